"""A request submitted more than once: the later submissions tell support so.

One request id is one prefilled form; a customer may send it again (a better scan, the page that
was missing) or twice by mistake. After a complete submission, a later one needs a person
(``review``): the change may already have been made, and the second one may differ. After
submissions that were not complete, sending again is what we asked for: the later one only
carries a ``warning`` that names the earlier one, and its own verdict stands.
"""

from __future__ import annotations

from formgen.check.report import VERDICTS
from formgen.check.submission import SubmissionResult
from formgen.check.verdict import Check, Status, Verdict, decide

CODE = "resubmitted"


def repeat_check(earlier: str, earlier_verdict: Verdict, any_complete: bool) -> Check:
    """The check for a later submission of a request; earlier: where the first one was (a
    path or a message), any_complete: one of the earlier ones was complete."""
    return Check(CODE, Status.REVIEW if any_complete else Status.WARNING,
                 f"deze aanvraag is al eerder ingediend ({earlier}, oordeel "
                 f"{VERDICTS[earlier_verdict]})" + (
                     "; een eerdere inzending was compleet: controleer of de wijziging al is "
                     "gedaan" if any_complete else ""))


def add_check(result: SubmissionResult, check: Check) -> None:
    """Add a check to a judged submission and judge it again."""
    result.checks.append(check)
    result.verdict = decide(result.checks, result.verdict is not Verdict.UNREADABLE)


def mark_repeats(results: list[SubmissionResult]) -> None:
    """Within one run (results in the order given): each submission of a request after its
    first gets the repeat check."""
    first: dict[str, SubmissionResult] = {}
    complete: set[str] = set()
    for result in results:
        request_id = result.form.get("request_id")
        if not request_id:
            continue
        if request_id in first:
            earlier = first[request_id]
            add_check(result, repeat_check(earlier.source, earlier.verdict,
                                           request_id in complete))
        else:
            first[request_id] = result
        if result.verdict is Verdict.COMPLETE:
            complete.add(request_id)
