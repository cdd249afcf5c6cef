"""What the mailbox's state file keeps of a checked message's result: no value read.

Support needs the new values (an IBAN, an address) only while the report, the export or the
draft is being written, and takes them from the message itself, which stays in the mailbox. The
state file only has to know that a message was handled, how it was judged and filed, and be
able to write the reply draft after a run stopped halfway (the draft asks for what is missing
and never quotes a value). So it keeps, of each value read, the field, its label, whether it
was typed or handwritten and whether it is valid; every value read is cut out of the stored
check messages too (a check that quotes a reading, such as "gelezen als '…'"). The reply
address is kept only while a draft to it is due.
"""

from __future__ import annotations

import copy
from typing import Any

KEPT_CHANGE_KEYS = ("field", "label", "source", "valid")
CUT = "…"  # stands in the stored messages where a value read was
MIN_CUT_LENGTH = 3  # shorter values are no datum of their own ("NL") and would cut words


def kept(result: dict[str, Any], *, draft_due: bool) -> dict[str, Any]:
    """The result as the state file stores it (see the module docstring); ``draft_due``: a
    reply draft is still to be written (it needs the reply address)."""
    stored = copy.deepcopy(result)
    if not draft_due and stored.get("reply_to"):
        stored["reply_to"] = None
    changes = stored.get("changes") or []
    values = sorted({str(c.get("value") or "") for c in changes if isinstance(c, dict)},
                    key=len, reverse=True)
    values = [v for v in values if len(v) >= MIN_CUT_LENGTH]
    if changes:
        stored["changes"] = [{k: c.get(k) for k in KEPT_CHANGE_KEYS}
                             for c in changes if isinstance(c, dict)]
    for check in stored.get("checks") or []:
        if isinstance(check, dict) and isinstance(check.get("message"), str):
            check["message"] = cut_values(check["message"], values)
    return stored


def cut_values(text: str, values: list[str]) -> str:
    """The text with each value (longest first; also written without its spaces) cut out."""
    for value in values:
        for form in dict.fromkeys((value, "".join(value.split()))):
            if len(form) >= MIN_CUT_LENGTH:
                text = text.replace(form, CUT)
    return text
