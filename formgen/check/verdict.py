"""Checks and verdicts: the vocabulary every part of the validator reports in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np


class Status(StrEnum):
    OK = "ok"
    MISSING = "missing"
    REVIEW = "review"
    WARNING = "warning"


class Verdict(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    REVIEW = "review"
    UNREADABLE = "unreadable"


@dataclass
class Check:
    code: str  # stable: form, token, pages, field:<id>, group:<id>, signature, id_*, bsn, email
    status: Status
    message: str  # Dutch, for support and (when missing) for the customer's reply
    page: int | None = None  # form page the check looked at
    file: str | None = None  # file (and page) the evidence came from
    crop: np.ndarray | None = field(default=None, repr=False)  # for the HTML report only
    # For the HTML report only: every box support must look at or copy, with its Dutch label
    # (the written boxes of a group); when empty, the report shows crop.
    crops: list[tuple[str, np.ndarray]] = field(default_factory=list, repr=False)
    # For --explain and the report's details: the measures of a box and the rules that decided
    # (see check.decision.explanation); None for checks that are no box.
    explain: dict[str, Any] | None = field(default=None, repr=False)

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        shown: dict[str, Any] = {"code": self.code, "status": str(self.status),
                                 "message": self.message, "page": self.page, "file": self.file}
        if explain:
            shown["explain"] = self.explain
        return shown


def decide(checks: list[Check], readable: bool) -> Verdict:
    """complete: all ok or warning; any missing: incomplete; else any review: review."""
    if not readable:
        return Verdict.UNREADABLE
    statuses = {c.status for c in checks}
    if Status.MISSING in statuses:
        return Verdict.INCOMPLETE
    if Status.REVIEW in statuses:
        return Verdict.REVIEW
    return Verdict.COMPLETE
