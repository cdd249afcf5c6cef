"""Request and customer ids on the way into a form: an id with a line end or space after it
is refused (or, for a customer file's value, cleaned), never put into a token."""

from __future__ import annotations

import pytest

from formgen.errors import InputFileError
from formgen.form.build import prefilled_form
from formgen.form.customers import Customer, customer_from_mapping
from formgen.token import ID_PATTERN

ENDS = ["\n", "\r", "\r\n", " ", "\t", "\x85", "\u2028"]


@pytest.mark.parametrize("end", ENDS)
def test_a_request_id_with_a_line_end_is_refused(end: str, customer: Customer,
                                                 key: bytes) -> None:
    with pytest.raises(InputFileError, match="aanvraagnummer"):
        prefilled_form(customer, key, request_id="R123" + end)


@pytest.mark.parametrize("end", ENDS)
def test_a_customer_id_with_a_line_end_never_passes_as_is(end: str) -> None:
    try:
        customer = customer_from_mapping({"customer_id": "K42" + end, "name": "Jan Jansen"})
    except ValueError:
        return
    assert ID_PATTERN.fullmatch(customer.customer_id)
