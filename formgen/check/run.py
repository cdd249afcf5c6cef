"""Check many submissions, each on its own: one that breaks the validator spoils no other.

Parallel runs use processes, not threads (PDFium is not thread-safe). An unexpected error in one
submission, or a worker process that dies (out of memory, a crash in a native library), gives
that submission the verdict `unreadable` with one check `internal`; the others are checked as
usual. When a worker dies, the submissions it may have been holding are checked again one by
one in fresh processes, so only the one that kills its process is marked.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from formgen.check.intake.names import shown_path
from formgen.check.resubmission import mark_repeats
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Check, Status, Verdict

INTERNAL = "internal"
INTERNAL_MESSAGE = ("de controle liep vast op een interne fout; deze inzending is niet beoordeeld "
                    "en moet met de hand worden nagekeken")
WORKER_DIED_MESSAGE = ("het controleproces stopte onverwacht (bijvoorbeeld geheugen vol); deze "
                       "inzending is niet beoordeeld en moet met de hand worden nagekeken")


def internal_failure(path: Path, message: str, details: str) -> SubmissionResult:
    """The result for a submission the validator could not judge: for support, not the customer."""
    return SubmissionResult(source=shown_path(path), verdict=Verdict.UNREADABLE,
                            checks=[Check(INTERNAL, Status.REVIEW, message)],
                            form={"found": False}, internal_error=details)


def _one(path: Path, key: bytes | None, from_address: str | None,
         today: dt.date | None) -> SubmissionResult:
    try:
        return check_submission(path, key=key, from_address=from_address, today=today)
    except (Exception, MemoryError, RecursionError):  # isolate: never lose the other results
        return internal_failure(path, INTERNAL_MESSAGE, traceback.format_exc())


def run_checks(paths: list[Path], *, key: bytes | None, from_address: str | None = None,
               jobs: int = 1, today: dt.date | None = None,
               progress: Callable[[int], None] | None = None) -> list[SubmissionResult]:
    """Results in the order of paths; never raises for what a submission contains."""
    results: dict[int, SubmissionResult] = {}

    def done(index: int, result: SubmissionResult) -> None:
        results[index] = result
        if progress:
            progress(len(results))

    if jobs <= 1 or len(paths) < 2:
        for index, path in enumerate(paths):
            done(index, _one(path, key, from_address, today))
        return _ordered(results, len(paths))

    unfinished = _in_pool(list(enumerate(paths)), jobs, (key, from_address, today), done)
    for index, path in unfinished:  # a worker died: each alone now, in a fresh process
        if _in_pool([(index, path)], 1, (key, from_address, today), done):
            done(index, internal_failure(path, WORKER_DIED_MESSAGE,
                                         "worker process died (BrokenProcessPool)"))
    return _ordered(results, len(paths))


def _ordered(results: dict[int, SubmissionResult], count: int) -> list[SubmissionResult]:
    """The results in the order of the paths; a later submission of a request already
    submitted in this run says so (see check.resubmission)."""
    ordered = [results[i] for i in range(count)]
    mark_repeats(ordered)
    return ordered


def _in_pool(items: list[tuple[int, Path]], jobs: int,
             args: tuple[bytes | None, str | None, dt.date | None],
             done: Callable[[int, SubmissionResult], None]) -> list[tuple[int, Path]]:
    """Check items in a pool of processes; return the items lost because the pool broke."""
    lost: list[tuple[int, Path]] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        futures: list[tuple[int, Path, Future[SubmissionResult]]] = [
            (index, path, pool.submit(_one, path, *args)) for index, path in items]
        for index, path, future in futures:
            try:
                done(index, future.result())
            except BrokenProcessPool:
                lost.append((index, path))
    return lost
