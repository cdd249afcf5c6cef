"""Decode a PDF page by page with PDFium, AcroForm values drawn and read."""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from formgen.check.intake.limits import (
    FINE_MAX_DPI,
    FULL_PAGE_IMAGE_SHARE,
    MAX_OBJECTS_INSPECTED,
    MAX_PAGE_SIDE_M,
    MIN_PDF_DPI,
    WORK_MAX_PIXELS,
)
from formgen.check.intake.model import FileProblem, Page
from formgen.check.intake.pdf_preflight import preflight
from formgen.check.intake.quiet import quiet

_POINTS_PER_METRE = 72 / 0.0254


def decode_pdf(
    name: str, data: bytes, pdf_dpi: int, max_pixels: int, max_pages: int
) -> Iterator[Page | FileProblem]:
    with quiet():
        checked = preflight(data, max_pages)  # before PDFium: bombs are refused here, cheaply
    if checked.problem is not None:
        yield FileProblem(name, checked.problem)
        return
    try:
        with quiet():
            pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            yield FileProblem(name, "de pdf is beveiligd met een wachtwoord")
        else:
            yield FileProblem(name, "de pdf is beschadigd en kan niet worden gelezen")
        return
    except Exception:
        yield FileProblem(name, "de pdf is beschadigd en kan niet worden gelezen")
        return

    try:
        with quiet(), contextlib.suppress(Exception):
            pdf.init_forms()  # before loading pages, so AcroForm values are drawn
        try:
            count = len(pdf)
        except Exception:
            count = 0
        if count <= 0:
            yield FileProblem(name, "de pdf bevat geen pagina's of is beschadigd")
            return

        with quiet():
            fields = _pdf_fields(data)
        for i in range(min(count, max_pages)):
            if i in checked.page_problems:
                yield FileProblem(name, checked.page_problems[i])
                continue
            with quiet():
                item = _render_pdf_page(pdf, data, i, count, name, pdf_dpi,
                                        min(max_pixels, WORK_MAX_PIXELS), fields)
            yield item  # (not inside quiet: the consumer runs while we are suspended)
            del item
        if count > max_pages:
            yield FileProblem(
                name,
                f"de pdf heeft {count} pagina's; alleen de eerste {max_pages} zijn gelezen, "
                "de rest is overgeslagen",
            )
    finally:
        pdf.close()


def _render_pdf_page(
    pdf: pdfium.PdfDocument,
    data: bytes,
    i: int,
    count: int,
    name: str,
    pdf_dpi: int,
    max_pixels: int,
    fields: dict[str, str] | None,
) -> Page | FileProblem:
    try:
        page = pdf[i]
    except Exception:
        return FileProblem(name, f"pagina {i + 1} van de pdf is beschadigd")
    try:
        try:
            width_pt, height_pt = page.get_size()
        except Exception:
            return FileProblem(name, f"pagina {i + 1} van de pdf is beschadigd")
        if not (width_pt > 0 and height_pt > 0 and math.isfinite(width_pt * height_pt)):
            return FileProblem(name, f"pagina {i + 1} van de pdf heeft geen geldige afmetingen")
        longest_m = max(width_pt, height_pt) / _POINTS_PER_METRE
        if longest_m > MAX_PAGE_SIDE_M:
            return FileProblem(
                name,
                f"pagina {i + 1} van de pdf is onwaarschijnlijk groot "
                f"({width_pt / _POINTS_PER_METRE:.1f} × {height_pt / _POINTS_PER_METRE:.1f} m); "
                "niet gelezen",
            )
        dpi = float(pdf_dpi)
        if math.ceil(width_pt * dpi / 72) * math.ceil(height_pt * dpi / 72) > max_pixels:
            dpi = math.floor(math.sqrt(max_pixels / (width_pt * height_pt)) * 72 * 100) / 100
            # ceil() of the bitmap size may still overshoot by a row/column: step down.
            while dpi > MIN_PDF_DPI and (
                math.ceil(width_pt * dpi / 72) * math.ceil(height_pt * dpi / 72) > max_pixels
            ):
                dpi = math.floor(dpi * 0.99 * 100) / 100
            if dpi < MIN_PDF_DPI:
                return FileProblem(name, f"pagina {i + 1} van de pdf is te groot om weer te geven")
        try:
            bitmap = page.render(scale=dpi / 72, may_draw_forms=True, rev_byteorder=True)
            try:
                image = _bitmap_to_rgb(bitmap)
            finally:
                bitmap.close()
        except Exception:
            return FileProblem(name, f"pagina {i + 1} van de pdf kan niet worden weergegeven")
        try:
            digital = _is_digital(page)
        except Exception:
            digital = False
        try:
            fine = None if digital else _finer(page, data, i, dpi, max_pixels)
        except Exception:
            fine = None
        return Page(
            file_name=name,
            index=i + 1,
            page_count=count,
            image=image,
            dpi=dpi,
            digital=digital,
            pdf_fields=dict(fields) if fields is not None else None,
            fine=fine,
        )
    finally:
        page.close()


def _finer(page: pdfium.PdfPage, data: bytes, i: int, dpi: float, max_pixels: int
           ) -> FineRender | None:
    """A scanned page to render again, grey, at its image's own resolution (at most
    FINE_MAX_DPI) when that has more pixels than the rendering at dpi; else None. Nothing is
    rendered here: see FineRender."""
    own = _scan_dpi(page)
    if own is None:
        return None
    finer = min(own, FINE_MAX_DPI)
    width_pt, height_pt = page.get_size()
    scale = finer / 72  # the size computed as pypdfium2's render computes it
    size = (math.ceil(width_pt * scale), math.ceil(height_pt * scale))
    if finer < dpi * FINER_STEP or width_pt * height_pt * (finer / 72) ** 2 > max_pixels:
        return None
    return FineRender(data, i, finer, size)


class FineRender:
    """A scanned page of a PDF rendered again, grey, at a finer resolution, only when first
    asked for (check.fine_lines cuts the lines of typed values from it: most pages have none),
    then kept. Holds the PDF's bytes, opened again to render."""

    def __init__(self, data: bytes, index: int, dpi: float, size: tuple[int, int]) -> None:
        self._data = data
        self.index = index  # 0-based page of the PDF
        self.dpi = dpi
        self.size = size  # (width, height) in pixels, as PDFium renders it
        self._image: np.ndarray | None = None
        self._tried = False

    @property
    def rendered(self) -> bool:
        """Whether the page was asked for (and rendered, if it could be)."""
        return self._tried

    def image(self) -> np.ndarray | None:
        """The page, grey uint8 of size self.size; None when it cannot be rendered."""
        if not self._tried:
            self._tried = True
            with quiet(), contextlib.suppress(Exception):
                self._image = _render_grey(self._data, self.index, self.dpi)
            self._data = b""  # rendered (or failed) once: the bytes are not needed again
        return self._image


def _render_grey(data: bytes, i: int, dpi: float) -> np.ndarray:
    pdf = pdfium.PdfDocument(data)
    try:
        with contextlib.suppress(Exception):
            pdf.init_forms()  # as decode_pdf opens it: the same pixels
        page = pdf[i]
        try:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            try:
                arr = bitmap.to_numpy()
                if arr.ndim == 3:
                    arr = arr[:, :, 0]
                grey = np.array(arr, dtype=np.uint8, order="C", copy=True)
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        pdf.close()
    return grey


# A page is rendered again at its image's own resolution when that is at least this much finer.
FINER_STEP = 1.2


def _scan_dpi(page: pdfium.PdfPage) -> float | None:
    """The pixels per inch of the largest image on the page (a scan's), if it covers at least
    FULL_PAGE_IMAGE_SHARE of the page; else None."""
    left, bottom, right, top = page.get_bbox()
    page_area = (right - left) * (top - bottom)
    best: tuple[float, float] | None = None
    for k, obj in enumerate(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE],
                                             max_depth=1)):
        if k >= MAX_OBJECTS_INSPECTED:
            break
        x0, y0, x1, y1 = obj.get_bounds()
        area = (x1 - x0) * (y1 - y0)
        if area <= 0 or area < FULL_PAGE_IMAGE_SHARE * page_area:
            continue
        width_px, height_px = obj.get_px_size()
        own = max(width_px, height_px) / (max(x1 - x0, y1 - y0) / 72)
        if best is None or area > best[0]:
            best = (area, own)
    return None if best is None else best[1]


def _bitmap_to_rgb(bitmap: pdfium.PdfBitmap) -> np.ndarray:
    arr = bitmap.to_numpy()
    if arr.ndim == 2:  # grayscale bitmap
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.shape[2] == 4:  # RGBA / RGBx
        arr = arr[:, :, :3]
    # to_numpy() is a view on pdfium's buffer, which is freed with the bitmap: copy.
    return np.array(arr, dtype=np.uint8, order="C", copy=True)


def _is_digital(page: pdfium.PdfPage) -> bool:
    """Born-digital: has widgets or extractable text, and no image covering most of the page."""
    has_widgets = False
    for k in range(max(0, pdfium_c.FPDFPage_GetAnnotCount(page))):
        annot = pdfium_c.FPDFPage_GetAnnot(page, k)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) == pdfium_c.FPDF_ANNOT_WIDGET:
                has_widgets = True
                break
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)

    has_text = False
    if not has_widgets:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
        has_text = sum(1 for ch in text if ch.isalnum()) >= 3

    if not (has_widgets or has_text):
        return False
    return _image_share(page) < FULL_PAGE_IMAGE_SHARE


def _image_share(page: pdfium.PdfPage) -> float:
    """Share of the page (crop box) covered by image objects, incl. inside Form XObjects."""
    left, bottom, right, top = page.get_bbox()  # effective crop box (inheritance-aware)
    page_area = (right - left) * (top - bottom)
    if page_area <= 0:
        return 0.0
    covered = 0.0
    seen = 0
    # stack of (form object or None, chain of matrices from that form's space to page space)
    stack: list[tuple[pdfium.PdfObject | None, list[pdfium.PdfMatrix]]] = [(None, [])]
    while stack:
        form, chain = stack.pop()
        for obj in page.get_objects(max_depth=1, form=form):
            seen += 1
            if seen > MAX_OBJECTS_INSPECTED:
                return covered / page_area
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                rect = obj.get_bounds()
                for m in chain:
                    rect = m.on_rect(*rect)
                w = max(0.0, min(rect[2], right) - max(rect[0], left))
                h = max(0.0, min(rect[3], top) - max(rect[1], bottom))
                covered += w * h
                if covered >= page_area:
                    return 1.0
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_FORM and len(chain) < 8:
                stack.append((obj, [obj.get_matrix(), *chain]))
    return covered / page_area


def _pdf_fields(data: bytes) -> dict[str, str] | None:
    """AcroForm field values (terminal fields only) with pypdf; None if none or unreadable."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")  # owner-password-only PDFs open with the empty user password
        raw_fields = reader.get_fields()
    except Exception:
        return None
    if not raw_fields:
        return None
    out: dict[str, str] = {}
    for full_name, fld in raw_fields.items():
        try:
            kids = fld.get("/Kids")
            if kids:
                try:
                    if any("/T" in kid.get_object() for kid in kids):
                        continue  # a parent node, its children are listed themselves
                except Exception:
                    pass
            ftype = fld.get("/FT")
            flags = int(fld.get("/Ff", 0) or 0)
            if ftype == "/Btn" and flags & (1 << 16):
                continue  # push button: no value
            out[str(full_name)] = _field_value(fld.get("/V"), ftype)
        except Exception:
            continue
    return out or None


def _field_value(value: object, ftype: object) -> str:
    try:
        from pypdf.generic import ByteStringObject, IndirectObject, NameObject
    except Exception:  # pragma: no cover
        return "" if value is None else str(value)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if value is None:
        return "Off" if ftype == "/Btn" else ""
    if isinstance(value, NameObject):
        return str(value)[1:] if str(value).startswith("/") else str(value)
    if isinstance(value, ByteStringObject):
        raw = bytes(value)
        if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
            return raw.decode("utf-16", errors="replace")
        return raw.decode("latin-1")
    if isinstance(value, list | tuple):
        return ", ".join(_field_value(v, ftype) for v in value)
    return str(value)
