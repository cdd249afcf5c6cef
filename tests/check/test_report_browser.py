"""The HTML report as support uses it, in headless Chromium: what must be acted on is there.

Two real submissions (rendered, handwritten, scanned): one with a handwritten reply address,
several new values and no ID copy; one with page 2 left out. The index shows Dutch lines, the
request and customer number, one line per missing thing; the page of the first shows a crop
(a PNG with ink in it) for the reply address and for every written change box, each under its
Dutch label; check codes appear only inside <details>, and so do the rules and measures that
decided each box (as `formgen check --explain` shows them). The same grouped lines are the reply's.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus import forms
from corpus import submissions as S

from formgen.check.report import reply_items, reply_message, write_report
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Verdict
from formgen.definition import load_form

DPI = 200
KEY = b"report-browser-test-key-0123456789"
CHANGES = ("new_iban", "new_account_holder", "new_email", "new_phone")
LAPTOP = {"width": 1366, "height": 768}
CODES = re.compile(r"\b(?:field:|group:|id_document|id_name|id_expiry|signature)")


def _submission(tmp: Path, name: str, seed: int, *, page_two: bool, id_copy: bool
                ) -> tuple[S.Person, dict[str, str], Path]:
    rng = np.random.default_rng(seed)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY, True, rng)
    values = S.form_values(person, rng, prefilled=True, group=False, email_on_form=False)
    values.update(new_iban="NL91ABNA0417164300", new_account_holder=person.name,
                  new_email=f"nieuw.{person.email}", new_phone="0612345678",
                  reply_email=person.email)
    pages = S.scan(S.filled_pages(pdf, values, DPI, rng), rng, dpi=DPI, src_dpi=DPI)
    folder = tmp / name
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(pages if page_two else pages[:1], DPI))
    if id_copy:
        (folder / "id.jpg").write_bytes(forms.jpeg_bytes(S.id_page(person, DPI, rng), 90,
                                                         dpi=DPI))
    return person, values, folder


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[SubmissionResult], Path]:
    tmp = tmp_path_factory.mktemp("report")
    _, _, no_id = _submission(tmp, "zonder-id", 31, page_two=True, id_copy=False)
    _, _, one_page = _submission(tmp, "een-pagina", 32, page_two=False, id_copy=True)
    checked = [check_submission(path, key=KEY, today=S.today()) for path in (no_id, one_page)]
    return checked, tmp


def _ink(uri: str) -> bool:
    """A PNG data URI whose image holds dark pixels (a pen's writing, not a blank box)."""
    assert uri.startswith("data:image/png;base64,")
    data = np.frombuffer(base64.b64decode(uri.split(",", 1)[1]), np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return image is not None and image.size > 0 and int(image.min()) < 100


def test_grouped_lines_in_the_reply(results: tuple[list[SubmissionResult], Path]) -> None:
    (no_id, one_page), _ = results
    assert no_id.verdict is Verdict.INCOMPLETE, [(c.code, c.message) for c in no_id.checks]
    assert [i for i in reply_items(no_id) if "identiteitsbewijs" in i] == [
        "Geen kopie van een identiteitsbewijs gevonden."]
    assert one_page.verdict is Verdict.INCOMPLETE
    items = reply_items(one_page)
    assert items.count("Pagina 2 van het formulier ontbreekt.") == 1
    assert not [i for i in items if "pagina 2" in i.lower() and i != items[0]], items
    message = reply_message(no_id)
    assert message is not None and message["To"] is None  # handwritten address: not yet


def test_report_in_a_browser(results: tuple[list[SubmissionResult], Path], browser: object
                             ) -> None:
    checked, tmp = results
    index = write_report(checked, tmp / "rapport")
    form = load_form()
    ctx = browser.new_context(viewport=LAPTOP, locale="nl-NL")  # type: ignore[attr-defined]
    try:
        page = ctx.new_page()
        page.goto(index.as_uri())
        page.screenshot(path=str(tmp / "index.png"), full_page=True)
        rows = page.locator("tbody tr")
        assert rows.count() == 2
        first, second = (rows.nth(i).inner_text() for i in range(2))
        for result, text in zip(checked, (first, second), strict=True):
            assert result.form["request_id"] in text and result.form["customer_id"] in text
            assert "onvolledig" in text
            assert not CODES.search(text), text
        assert first.count("identiteitsbewijs") == 1
        assert second.count("Pagina 2 van het formulier ontbreekt.") == 1
        assert "Handtekening" not in second and "Plaats" not in second  # covered by the page

        page.locator("tbody tr").first.locator("a").click()
        page.wait_for_load_state()
        page.screenshot(path=str(tmp / "inzending.png"), full_page=True)
        figures = page.locator(".copy figure")
        shown = {figures.nth(i).locator("figcaption").inner_text():
                 figures.nth(i).locator("img") for i in range(figures.count())}
        wanted = [form.field(f).label for f in (*CHANGES, "reply_email")]
        assert set(wanted) <= set(shown), shown.keys()
        for label in wanted:
            image = shown[label]
            assert image.evaluate("img => img.complete && img.naturalWidth > 40")
            assert _ink(image.get_attribute("src") or ""), label
        assert "geen geadresseerde" in page.locator(".note").inner_text()
        outside = page.evaluate("""() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const found = [];
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!node.parentElement.closest('details')) found.push(node.textContent);
            }
            return found.join(' ');
        }""")
        assert not CODES.search(outside), CODES.findall(outside)
        assert page.locator("details code").count() >= len(checked[0].checks)
        # --explain behind the toggle: per box the rule that decided and the measures
        boxes = [c for c in checked[0].checks if c.explain is not None]
        explained = page.locator("details ul.explain")
        assert boxes and explained.count() == len(boxes)
        for i in range(explained.count()):
            text = explained.nth(i).text_content() or ""
            assert "(besliste)" in text, text
        assert "beyond_noise = " in (explained.first.text_content() or "")
        assert "beyond_noise" not in outside and "(besliste)" not in outside
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= LAPTOP["width"]  # no sideways scrolling on a laptop
    finally:
        ctx.close()


def test_values_beside_their_crops_with_a_copy_button(
        results: tuple[list[SubmissionResult], Path], browser: object) -> None:
    """Each value read (check.changes) stands under its crop with a button that puts it on the
    clipboard, through the report's own script file: the page's CSP runs no inline script."""
    checked, tmp = results
    index = write_report(checked, tmp / "rapport-waarden")
    assert (index.parent / "kopieer.js").is_file()
    ctx = browser.new_context(viewport=LAPTOP, locale="nl-NL",  # type: ignore[attr-defined]
                              permissions=["clipboard-read", "clipboard-write"])
    try:
        page = ctx.new_page()
        blocked: list[str] = []
        page.on("console", lambda message: blocked.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(index.as_uri())
        page.locator("tbody tr").first.locator("a").click()
        page.wait_for_load_state()
        policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute(
            "content") or ""
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split(
            "script-src")[1].split(";")[0]
        assert page.evaluate("[...document.scripts].every(s => s.src && !s.textContent.trim())")
        form = load_form()
        read = {c.label: c.value for c in checked[0].changes}
        assert {form.field(f).label for f in CHANGES} <= set(read), read
        for label in (form.field(f).label for f in CHANGES):
            figure = page.locator(".copy figure").filter(
                has=page.locator("figcaption", has_text=label)).first
            assert figure.locator("img").count() == 1
            assert figure.locator(".value output").inner_text() == read[label]
            page.evaluate("navigator.clipboard.writeText('')")
            button = figure.locator("button.kopieer")
            button.click()
            page.wait_for_function("b => b.textContent === 'Gekopieerd'",
                                   arg=button.element_handle())
            assert page.evaluate("navigator.clipboard.readText()") == read[label]
        assert not blocked, blocked
    finally:
        ctx.close()
