"""Public entry points: one PATH in, decoded pages and per-file problems out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from formgen.check.intake.files import Opened, ReadError, Source, too_big
from formgen.check.intake.images import decode_image
from formgen.check.intake.limits import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_SUBMISSION_PAGES,
    MAX_SUBMISSION_PIXELS,
)
from formgen.check.intake.model import FileProblem, Page, Submission
from formgen.check.intake.names import shown_path
from formgen.check.intake.pdf import decode_pdf
from formgen.check.intake.sniff import sniff, unsupported_message
from formgen.check.intake.sources import open_email_bytes, open_path


class SubmissionReader:
    """One opened PATH: sender, subject, files, and its pages decoded one at a time.

    The whole submission shares one budget (MAX_SUBMISSION_PAGES pages and
    MAX_SUBMISSION_PIXELS decoded pixels): past it, nothing more is decoded and one problem
    line says what was left out. Only the page being yielded is in memory here.
    """

    def __init__(self, path: Path, *, pdf_dpi: int = 200, max_pixels: int = 80_000_000,
                 max_pages: int = 50) -> None:
        self._start(shown_path(path), open_path(Path(path)), (pdf_dpi, max_pixels, max_pages))

    @classmethod
    def from_email(cls, data: bytes, source: str, name: str = "e-mail.eml") -> SubmissionReader:
        """An e-mail message given as bytes (from a mailbox): nothing is written to disk."""
        reader = cls.__new__(cls)
        reader._start(source, open_email_bytes(data, name), (200, 80_000_000, 50))
        return reader

    def _start(self, source: str, opened: Opened, settings: tuple[int, int, int]) -> None:
        self.source = source
        self._opened = opened
        self._settings = settings
        self.sender = opened.sender
        self.subject = opened.subject
        self.message_id = opened.message_id
        self.references = opened.references
        self.files = [src.name for src in opened.sources]

    def items(self) -> Iterator[Page | FileProblem]:
        """The pages and per-file problems, in file order, within the submission's budget."""
        opened = self._opened
        yield from opened.problems
        if opened.skipped:
            yield FileProblem(Path(self.source).name or self.source, (
                f"de inzending bevat {len(opened.sources) + opened.skipped} bestanden; alleen "
                f"de eerste {MAX_FILES} zijn bekeken, de andere {opened.skipped} niet"),
                whole=True)
        pages = pixels = 0
        for number, src in enumerate(opened.sources):
            for item in decode_source(src, *self._settings):
                if isinstance(item, Page):
                    pages += 1
                    pixels += item.image.shape[0] * item.image.shape[1]
                yield item
                if pages >= MAX_SUBMISSION_PAGES or pixels >= MAX_SUBMISSION_PIXELS:
                    rest = len(opened.sources) - number - 1
                    yield FileProblem(src.name, _over_budget(pages, rest))
                    return


def _over_budget(pages: int, rest: int) -> str:
    what = f"na {pages} pagina's is het lezen gestopt"
    if rest:
        what += f"; de rest van dit bestand en {rest} andere bestand(en) zijn niet bekeken"
    else:
        what += "; de rest van dit bestand is niet bekeken"
    return (f"de inzending is te groot om helemaal te controleren ({what}); stuur alleen het "
            "formulier en de kopie van het identiteitsbewijs")


def load_submission(
    path: Path,
    *,
    pdf_dpi: int = 200,
    max_pixels: int = 80_000_000,
    max_pages: int = 50,
) -> Submission:
    """Read one PATH (``.eml``, folder or file) into pages and per-file problems.

    Always returns a :class:`Submission`; raises :class:`InputFileError` only when PATH does
    not exist or cannot be read at all. Holds every page in memory: the validator itself
    uses :class:`SubmissionReader` and keeps one page at a time.
    """
    reader = SubmissionReader(path, pdf_dpi=pdf_dpi, max_pixels=max_pixels, max_pages=max_pages)
    sub = Submission(source=reader.source, sender=reader.sender, subject=reader.subject,
                     files=reader.files)
    for item in reader.items():
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
    yield from SubmissionReader(path, pdf_dpi=pdf_dpi, max_pixels=max_pixels,
                                max_pages=max_pages).items()


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
