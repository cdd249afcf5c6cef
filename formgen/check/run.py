"""Check many submissions, in parallel processes when asked (PDFium is not thread-safe)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from formgen.check.submission import SubmissionResult, check_submission


def _one(path: Path, key: bytes | None, from_address: str | None,
         today: dt.date | None) -> SubmissionResult:
    return check_submission(path, key=key, from_address=from_address, today=today)


def run_checks(paths: list[Path], *, key: bytes | None, from_address: str | None = None,
               jobs: int = 1, today: dt.date | None = None,
               progress: Callable[[int], None] | None = None) -> list[SubmissionResult]:
    """Results in the order of paths."""
    results: list[SubmissionResult] = []
    if jobs <= 1 or len(paths) < 2:
        for path in paths:
            results.append(_one(path, key, from_address, today))
            if progress:
                progress(len(results))
        return results
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_one, path, key, from_address, today) for path in paths]
        for future in futures:
            results.append(future.result())
            if progress:
                progress(len(results))
    return results
