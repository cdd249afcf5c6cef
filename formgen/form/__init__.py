"""The form generator: the change-request PDF, blank and fillable or prefilled per customer."""

from formgen.form.batch import BatchResult, build_batch
from formgen.form.build import blank_form, layout_contract, prefilled_form, write_bytes
from formgen.form.customers import Customer, load_customer

__all__ = [
    "BatchResult",
    "Customer",
    "blank_form",
    "build_batch",
    "layout_contract",
    "load_customer",
    "prefilled_form",
    "write_bytes",
]
