"""The identity document: find it on a page, read its MRZ (OCR), and check it against the form."""
