"""The validator: is a returned submission complete? Verdicts, reports and Dutch replies."""

from formgen.check.run import run_checks
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Check, Status, Verdict

__all__ = ["Check", "Status", "SubmissionResult", "Verdict", "check_submission", "run_checks"]
