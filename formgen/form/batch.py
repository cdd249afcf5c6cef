"""Prefilled forms for a whole customer file, optionally in parallel, with progress."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from formgen.errors import InputFileError, TokenError, system_reason
from formgen.form.build import prefilled_form, write_bytes
from formgen.form.customers import Customer, Row, iter_customers
from formgen.processes import Finished, Interrupted, Workers

MANIFEST = "aanvragen.csv"
DRAIN_SECONDS = 2.0  # after Ctrl+C, how long the forms already sent to a worker may take


@dataclass
class BatchResult:
    written: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    manifest: Path | None = None


@dataclass(frozen=True)
class _Job:
    line: int
    customer: Customer
    path: Path


def _build_one(job: _Job, key: bytes, issued: dt.date, config: Path | None
               ) -> tuple[str | None, str | None]:
    """(request id, None) when written; (None, reason) when this one failed."""
    try:
        pdf, request_id = prefilled_form(job.customer, key, issued=issued, config=config)
        write_bytes(job.path, pdf)
    except (InputFileError, TokenError) as exc:  # this row's file or values, not the batch
        return None, exc.line()
    return request_id, None


def _jobs(rows: Iterable[Row], out_dir: Path, result: BatchResult) -> list[_Job]:
    jobs, seen = [], set()
    for row in rows:
        if row.customer is None:
            result.failures.append((row.line, row.error or "ongeldige regel"))
            continue
        cid = row.customer.customer_id
        if cid.lower() in seen:
            result.failures.append((row.line, f"klantnummer {cid} staat er al eerder in"))
            continue
        seen.add(cid.lower())
        jobs.append(_Job(row.line, row.customer, out_dir / f"{cid}.pdf"))
    return jobs


def build_batch(source: Path, out_dir: Path, key: bytes, *, jobs: int = 1,
                issued: dt.date | None = None, config: Path | None = None,
                progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """One PDF per good row in out_dir/<customer_id>.pdf, plus a manifest of request ids.

    A bad row is recorded with its line number and skipped; it never stops the batch. Ctrl+C
    raises :class:`Interrupted` with this result for the forms written (done) and the
    (line, customer number) of each form not made (left).
    """
    result = BatchResult()
    work = _jobs(iter_customers(source), out_dir, result)
    issued = issued or dt.date.today()
    done: list[tuple[_Job, str]] = []
    total = len(work)
    if work:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputFileError(f"map kan niet worden gemaakt ({system_reason(exc)})",
                                 source=str(out_dir)) from None
    if progress:  # after everything that can refuse the batch as a whole
        progress(0, total)

    finished = 0

    def record(job: _Job, outcome: tuple[str | None, str | None]) -> None:
        nonlocal finished
        request_id, reason = outcome
        if request_id is not None:
            done.append((job, request_id))
        else:
            result.failures.append((job.line, reason or "formulier niet gemaakt"))
        finished += 1
        if progress:
            progress(finished, total)

    finished_lines: set[int] = set()
    stopped = False
    try:
        if jobs <= 1 or total < 2:
            for job in work:
                record(job, _build_one(job, key, issued, config))
                finished_lines.add(job.line)
        else:
            with Workers(_build_one, min(jobs, total), depth=16) as workers:

                def collect(end: Finished) -> None:
                    job = work[end.tag]
                    record(job, end.value if end.failure is None else
                           (None, "formulier niet gemaakt (het proces stopte onverwacht)"))
                    finished_lines.add(job.line)

                for index, job in enumerate(work):
                    workers.submit(index, job, key, issued, config)
                try:
                    for end in workers.results():
                        collect(end)
                except KeyboardInterrupt:
                    # a worker writes its PDF: let the few already sent end (milliseconds
                    # each), so the manifest names every PDF written
                    for end in workers.drain(DRAIN_SECONDS):
                        collect(end)
                    raise
    except KeyboardInterrupt:  # Ctrl+C: the PDFs written stay, and the manifest lists them
        stopped = True
    result.written = len(done)
    if done:
        result.manifest = out_dir / MANIFEST
        _write_manifest(result.manifest, done, issued)
    result.failures.sort()
    if stopped:
        raise Interrupted(result, [(job.line, job.customer.customer_id) for job in work
                                   if job.line not in finished_lines])
    return result


def _write_manifest(path: Path, done: list[tuple[_Job, str]], issued: dt.date) -> None:
    """The list of request ids, written at once (like the PDFs) so it is whole or absent."""
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(["customer_id", "request_id", "issued", "file", "line"])
    for job, request_id in sorted(done, key=lambda d: d[0].line):
        writer.writerow([job.customer.customer_id, request_id, issued.isoformat(),
                         job.path.name, job.line])
    write_bytes(path, handle.getvalue().encode("utf-8"))
