"""pdf.js (Firefox's viewer, pdfjs-dist 5.6) in headless Chromium: what a screen reader gets.

pdf.js names a form input after the /Alt of the Form structure element that refers to its
widget; Chromium's accessibility tree (read over the DevTools protocol, as a screen reader
reads it) must give every input its Dutch label and mark the required ones.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from formgen.definition import load_form
from formgen.form.customers import Customer

REPO = Path(__file__).resolve().parents[2]
PDFJS = REPO / "node_modules" / "pdfjs-dist"
VIEWER = Path(__file__).with_name("pdfjs") / "viewer.html"
FORM = load_form()

pytestmark = pytest.mark.skipif(
    not (PDFJS / "build" / "pdf.mjs").exists(),
    reason="node_modules/pdfjs-dist ontbreekt: draai 'make node_modules/pdfjs-dist/build/pdf.mjs'")


class _Files(http.server.SimpleHTTPRequestHandler):
    """/viewer.html, /form.pdf (set per test) and /node_modules/pdfjs-dist/...; nothing else."""

    pdf = b""

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        if path == "/form.pdf":
            self._send(self.pdf, "application/pdf")
        elif path == "/viewer.html":
            self._send(VIEWER.read_bytes(), "text/html; charset=utf-8")
        elif path.startswith("/node_modules/pdfjs-dist/") and ".." not in path:
            file = REPO / path.lstrip("/")
            kind = "text/javascript" if file.suffix in (".mjs", ".js") else "text/css" \
                if file.suffix == ".css" else "application/octet-stream"
            if file.is_file():
                self._send(file.read_bytes(), kind)
            else:
                self.send_error(404)
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, type[_Files]]]:
    handler = type("Files", (_Files,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def chromium(browser: Any) -> Any:
    """The session's headless Chromium (tests/conftest.py)."""
    return browser


def _accessibility_tree(chromium: Any, server: tuple[str, type[_Files]],
                        pdf: bytes) -> list[dict[str, Any]]:
    url, handler = server
    handler.pdf = pdf
    page = chromium.new_page(viewport={"width": 1000, "height": 2600})
    try:
        page.goto(f"{url}/viewer.html?file=/form.pdf")
        page.wait_for_function("window.annotationLayersRendered?.() >= 2", timeout=30000)
        page.wait_for_timeout(500)  # aria attributes arrive with the structure tree
        session = page.context.new_cdp_session(page)
        nodes: list[dict[str, Any]] = session.send("Accessibility.getFullAXTree")["nodes"]
        return nodes
    finally:
        page.close()


def _controls(nodes: list[dict[str, Any]], role: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for node in nodes:
        if node.get("role", {}).get("value") == role and not node.get("ignored"):
            props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            out.append((node.get("name", {}).get("value", ""), props))
    return out


def test_every_text_input_has_its_dutch_label(chromium: Any, server: Any,
                                              blank_pdf: bytes) -> None:
    nodes = _accessibility_tree(chromium, server, blank_pdf)
    found = sorted(name for name, _ in _controls(nodes, "textbox"))
    expected = sorted(f.label for f in FORM.fields if f.kind not in ("signature", "checkbox"))
    assert found == expected
    required = {name for name, props in _controls(nodes, "textbox") if props.get("required")}
    assert required == {f.label for f in FORM.fields if f.required and f.kind != "signature"}


def test_check_boxes_and_signature_area_are_described(chromium: Any, server: Any,
                                                      blank_pdf: bytes) -> None:
    """pdf.js 5.6 puts a check box's label on the box's wrapper, not on the input: the
    wrapper (a region a screen reader announces around the box) carries the Dutch label.

    Nothing in the file can name the input itself: the annotation layer sets the structure
    tree's /Alt (as aria-label) and /TU (as title) on an annotation's `contentElement`, which
    is the <input> for a text field but the wrapping <section> for a check box
    (CheckboxWidgetAnnotationElement never sets it; upstream master of 2026-08-21 neither).
    Only a document script setting the field's userName reaches the input (as its title)."""
    nodes = _accessibility_tree(chromium, server, blank_pdf)
    regions = {name for name, _ in _controls(nodes, "region")}
    for f in FORM.fields:
        if f.kind == "checkbox":
            assert f.label in regions, f.id
    assert len(_controls(nodes, "checkbox")) == sum(f.kind == "checkbox" for f in FORM.fields)
    figures = [name for name, _ in _controls(nodes, "figure")]
    assert len(figures) == 1 and "handtekening" in figures[0]


@pytest.mark.xfail(strict=True, reason="pdf.js 5.6 names the check box's wrapper, not its input "
                   "(see the test above); this fails, and should be turned into a plain "
                   "test, once a pdf.js upgrade names the input")
def test_check_box_inputs_have_their_dutch_label(chromium: Any, server: Any,
                                                 blank_pdf: bytes) -> None:
    nodes = _accessibility_tree(chromium, server, blank_pdf)
    found = sorted(name for name, _ in _controls(nodes, "checkbox"))
    assert found == sorted(f.label for f in FORM.fields if f.kind == "checkbox")


def test_prefilled_values_are_read_with_their_labels(chromium: Any, server: Any,
                                                     prefilled_pdf: bytes,
                                                     customer: Customer) -> None:
    """pdf.js draws a read-only field on a canvas and hides its input, so a screen reader
    gets only the wrapper's name (the field's /TU): that name carries the value."""
    nodes = _accessibility_tree(chromium, server, prefilled_pdf)
    names = {name for role in ("region", "textbox") for name, _ in _controls(nodes, role)}
    prefilled = [f for f in FORM.fields if f.prefill and customer.value(f.prefill)]
    assert prefilled
    for f in prefilled:
        assert f"{f.label}: {customer.value(f.prefill)}" in names, f.id
    # the fields a customer fills in keep their plain label
    assert {f.label for f in FORM.fields if f.kind == "text" and not f.prefill} <= names


def test_before_tagging_inputs_had_no_name(chromium: Any, server: Any, blank_pdf: bytes) -> None:
    """The same file without its structure tree: pdf.js leaves every input nameless, which
    is what the tags fix (and shows this test can tell the difference)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=io.BytesIO(blank_pdf))
    del writer._root_object[NameObject("/StructTreeRoot")]
    del writer._root_object[NameObject("/MarkInfo")]
    out = io.BytesIO()
    writer.write(out)
    nodes = _accessibility_tree(chromium, server, out.getvalue())
    names = [name for name, _ in _controls(nodes, "textbox")]
    assert names and all(name == "" for name in names)


def test_names_typed_in_pdfjs_are_saved_in_the_field_font(chromium: Any, server: Any,
                                                          blank_pdf: bytes) -> None:
    """Type the promised names into pdf.js as a reader does, save as its download does."""
    import base64

    from pdfcheck import assert_drawn_in_field_font

    url, handler = server
    handler.pdf = blank_pdf
    values = {"new_name": "Łukasz Ørsted-Şahin", "new_street": "Nguyễn Thị Đặng 12",
              "new_city": "Ștefan Țară Ǎlvaro", "signer_name": "Ɓello Ɗauda Ǆemal"}
    page = chromium.new_page(viewport={"width": 1000, "height": 2600})
    try:
        page.goto(f"{url}/viewer.html?file=/form.pdf")
        page.wait_for_function("window.annotationLayersRendered?.() >= 2", timeout=30000)
        for name, value in values.items():
            page.locator(f'input[name="{name}"]').fill(value)
            page.keyboard.press("Tab")
        saved = page.evaluate("""async () => {
            const data = await window.pdfDoc.saveDocument();
            let s = ""; for (const c of data) s += String.fromCharCode(c); return btoa(s); }""")
    finally:
        page.close()
    assert_drawn_in_field_font(base64.b64decode(saved), values)
