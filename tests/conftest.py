"""Shared fixtures: a test key generated per session, built forms, a customer, a browser."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from figures import (  # noqa: F401  (a plugin: see figures.py)
    figures,
    pytest_configure,
    pytest_runtest_logreport,
    pytest_terminal_summary,
)

from formgen.form.build import blank_form, prefilled_form
from formgen.form.customers import Customer

# one thread per process for the OCR engines, OpenCV and BLAS: the suite runs two workers (some
# tests a pool of two more) on two cores, where more threads only wait for a core (onnxruntime's
# pool busy-waits); the commands the tests start inherit it
for _threads in ("FORMGEN_OCR_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")
cv2.setNumThreads(1)

# augraphy (a corpus generator) runs numba's parallel code; numba's OpenMP layer ends a process
# forked after that ran (the tests' process pools fork), its work queue does not
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")


@pytest.fixture(scope="session", autouse=True)
def _template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests (and the commands they run) keep the on-disk template cache in a temporary
    folder: nothing is read from or written to the developer's ~/.cache."""
    before = os.environ.get("FORMGEN_CACHE_DIR")
    os.environ["FORMGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("formgen-cache"))
    yield
    if before is None:
        del os.environ["FORMGEN_CACHE_DIR"]
    else:
        os.environ["FORMGEN_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def key() -> bytes:
    return secrets.token_hex(32).encode()


@pytest.fixture(scope="session")
def customer() -> Customer:
    return Customer(
        customer_id="K2001", name="Łukasz Nguyễn", company="Ørsted & Şahin B.V.",
        id_number="Y7654321X", email="lukasz@voorbeeld.nl", phone="+31 6 1234 5678",
        street="Prinsengracht 263", postcode="1016 GV", city="Amsterdam", country="Nederland",
    )


@pytest.fixture(scope="session")
def blank_pdf() -> bytes:
    return blank_form()


@pytest.fixture(scope="session")
def prefilled_pdf(customer: Customer, key: bytes) -> bytes:
    pdf, _ = prefilled_form(customer, key, request_id="RTEST0001", issued=dt.date(2026, 11, 25))
    return pdf


@pytest.fixture(autouse=True)
def _no_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests decide about keys themselves; a developer's FORMGEN_SECRET must not leak in."""
    monkeypatch.delenv("FORMGEN_SECRET", raising=False)
    monkeypatch.delenv("FORMGEN_KEY_FILE", raising=False)


# Headless Chromium (Debian's, driven by Playwright) with no network use of its own; one per
# test session for the site, report and pdf.js tests.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt (apt-get install chromium)", pytrace=False)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()
