"""The validator: is a returned submission complete? Verdicts, reports and Dutch replies."""

# The compiled parts first: a missing system library is one Dutch line, not a traceback.
from formgen.parts import require

require("cv2", "pypdfium2")

from formgen.check.run import run_checks  # noqa: E402
from formgen.check.submission import SubmissionResult, check_submission  # noqa: E402
from formgen.check.verdict import Check, Status, Verdict  # noqa: E402

__all__ = ["Check", "Status", "SubmissionResult", "Verdict", "check_submission", "run_checks"]
