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

MANIFEST = "aanvragen.csv"


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
               ) -> tuple[int, str | None, str | None]:
    """(line, request id, None) when written; (line, None, reason) when this one failed."""
    try:
        pdf, request_id = prefilled_form(job.customer, key, issued=issued, config=config)
        write_bytes(job.path, pdf)
    except (InputFileError, TokenError) as exc:  # this row's file or values, not the batch
        return job.line, None, exc.line()
    return job.line, request_id, None


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

    A bad row is recorded with its line number and skipped; it never stops the batch.
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

    def record(job: _Job, outcome: tuple[int, str | None, str | None]) -> None:
        nonlocal finished
        _, request_id, reason = outcome
        if request_id is not None:
            done.append((job, request_id))
        else:
            result.failures.append((job.line, reason or "formulier niet gemaakt"))
        finished += 1
        if progress:
            progress(finished, total)

    if jobs <= 1 or total < 2:
        for job in work:
            record(job, _build_one(job, key, issued, config))
    else:
        from concurrent.futures import ProcessPoolExecutor  # start-up cost only with --jobs

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_build_one, job, key, issued, config) for job in work]
            for job, future in zip(work, futures, strict=True):
                record(job, future.result())
    result.written = len(done)
    if done:
        result.manifest = out_dir / MANIFEST
        _write_manifest(result.manifest, done, issued)
    result.failures.sort()
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
