"""Check many submissions, each on its own: one that breaks the validator spoils no other.

Every submission is checked in a worker process (``formgen.processes``), also with one job:
PDFium is not thread-safe, and a process is what can be stopped. A worker has a memory limit
and each submission a time limit; an unexpected error, a submission that needs too much memory
or time, or a worker that dies (a crash in a native library) gives that submission the verdict
`unreadable` with one check `internal` naming the reason for support; the others are checked as
usual. Ctrl+C ends the workers at once and reports what was judged and what was not.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from pathlib import Path

from formgen.check.intake.names import shown_path
from formgen.check.resubmission import mark_repeats
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Check, Status, Verdict
from formgen.processes import Finished, Interrupted, Limits, Workers

INTERNAL = "internal"
_BY_HAND = "deze inzending is niet beoordeeld en moet met de hand worden nagekeken"
INTERNAL_MESSAGE = f"de controle liep vast op een interne fout; {_BY_HAND}"
WORKER_DIED_MESSAGE = ("het controleproces stopte onverwacht (bijvoorbeeld geheugen vol); "
                       f"{_BY_HAND}")


def memory_message(limits: Limits) -> str:
    limit = f" (meer dan {limits.memory_mb} MB)" if limits.memory_mb else ""
    return f"de controle had te veel geheugen nodig{limit} en is gestopt; {_BY_HAND}"


def time_message(limits: Limits) -> str:
    limit = f" (langer dan {limits.seconds:g} seconden)" if limits.seconds else ""
    return f"de controle duurde te lang{limit} en is gestopt; {_BY_HAND}"


def internal_failure(path: Path, message: str, details: str) -> SubmissionResult:
    """The result for a submission the validator could not judge: for support, not the customer."""
    return SubmissionResult(source=shown_path(path), verdict=Verdict.UNREADABLE,
                            checks=[Check(INTERNAL, Status.REVIEW, message)],
                            form={"found": False}, internal_error=details)


def out_of_memory(exc: BaseException) -> bool:
    """Python's MemoryError, or a native library's own words for a failed allocation."""
    text = str(exc)
    return isinstance(exc, MemoryError) or "Insufficient memory" in text or "bad_alloc" in text


def _one(path: Path, key: bytes | None, from_address: str | None, today: dt.date | None,
         limits: Limits, redact_dir: Path | None = None,
         redact_format: str = "png") -> SubmissionResult:
    try:
        return check_submission(path, key=key, from_address=from_address, today=today,
                                redact_dir=redact_dir, redact_format=redact_format)
    except (Exception, RecursionError) as exc:  # isolate: never lose the other results
        message = memory_message(limits) if out_of_memory(exc) else INTERNAL_MESSAGE
        return internal_failure(path, message, traceback.format_exc())


def failed(path: Path, end: Finished, limits: Limits) -> SubmissionResult:
    """The result for a job whose worker ran out of time, died or broke."""
    message = {"time": time_message(limits), "memory": memory_message(limits),
               "died": WORKER_DIED_MESSAGE}.get(end.failure or "", INTERNAL_MESSAGE)
    return internal_failure(path, message, end.detail)


def run_checks(paths: list[Path], *, key: bytes | None, from_address: str | None = None,
               jobs: int = 1, today: dt.date | None = None,
               progress: Callable[[int], None] | None = None,
               limits: Limits | None = None,
               redact_dir: Path | None = None,
               redact_format: str = "png") -> list[SubmissionResult]:
    """Results in the order of paths; never raises for what a submission contains.
    ``redact_dir``: each worker keeps there a copy of the submission's ID without the BSN
    (a ``redact_format`` file: png or pdf).

    Ctrl+C raises :class:`Interrupted` with the results judged so far (done, in the order of
    paths) and the paths not judged (left). Limits: ``Limits.from_env()`` unless given.
    """
    limits = limits or Limits.from_env()
    results: dict[int, SubmissionResult] = {}
    try:
        with Workers(_one, min(jobs, len(paths)), limits) as workers:
            for index, path in enumerate(paths):
                workers.submit(index, path, key, from_address, today, limits, redact_dir,
                               redact_format)
            for end in workers.results():
                path = paths[end.tag]
                results[end.tag] = end.value if end.failure is None else failed(path, end, limits)
                if progress:
                    progress(len(results))
    except KeyboardInterrupt:
        judged = [results[i] for i in sorted(results)]
        mark_repeats(judged)
        raise Interrupted(judged, [p for i, p in enumerate(paths) if i not in results]) from None
    ordered = [results[i] for i in range(len(paths))]
    mark_repeats(ordered)  # a later submission of a request already submitted in this run
    return ordered
