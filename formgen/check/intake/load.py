"""Public entry points: one PATH in, decoded pages and per-file problems out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from formgen.check.intake.files import ReadError, Source, too_big
from formgen.check.intake.images import decode_image
from formgen.check.intake.limits import MAX_FILE_BYTES
from formgen.check.intake.model import FileProblem, Page, Submission
from formgen.check.intake.pdf import decode_pdf
from formgen.check.intake.sniff import sniff, unsupported_message
from formgen.check.intake.sources import open_path


def load_submission(
    path: Path,
    *,
    pdf_dpi: int = 200,
    max_pixels: int = 80_000_000,
    max_pages: int = 50,
) -> Submission:
    """Read one PATH (``.eml``, folder or file) into pages and per-file problems.

    Always returns a :class:`Submission`; raises :class:`InputFileError` only when PATH does
    not exist or cannot be read at all.
    """
    opened = open_path(Path(path))
    sub = Submission(
        source=str(path),
        sender=opened.sender,
        subject=opened.subject,
        files=[src.name for src in opened.sources],
        problems=list(opened.problems),
    )
    for src in opened.sources:
        for item in decode_source(src, pdf_dpi, max_pixels, max_pages):
            if isinstance(item, Page):
                sub.pages.append(item)
            else:
                sub.problems.append(item)
    return sub


def iter_pages(
    path: Path,
    *,
    pdf_dpi: int = 200,
    max_pixels: int = 80_000_000,
    max_pages: int = 50,
) -> Iterator[Page | FileProblem]:
    """Streaming variant of :func:`load_submission`: yields pages and problems in file order.

    Keeps only one file's decoded data alive at a time (besides what the caller keeps).
    Raises :class:`InputFileError` on the first ``next()`` when PATH is unusable.
    """
    opened = open_path(Path(path))
    yield from opened.problems
    for src in opened.sources:
        yield from decode_source(src, pdf_dpi, max_pixels, max_pages)


def decode_source(
    src: Source, pdf_dpi: int, max_pixels: int, max_pages: int
) -> Iterator[Page | FileProblem]:
    try:
        data = src.read()
    except ReadError as exc:
        yield FileProblem(src.name, str(exc))
        return
    if len(data) > MAX_FILE_BYTES:
        yield FileProblem(src.name, too_big(len(data)))
        return
    if not data:
        yield FileProblem(src.name, "het bestand is leeg")
        return
    kind = sniff(data)
    if kind is None:
        yield FileProblem(src.name, unsupported_message(src.name, data))
        return
    if kind == "pdf":
        yield from decode_pdf(src.name, data, pdf_dpi, max_pixels, max_pages)
    else:
        yield from decode_image(src.name, data, kind, max_pixels, max_pages)
