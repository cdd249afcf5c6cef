"""Files formgen writes (forms, reports, replies, cache entries) are never written through a
symbolic link planted where the temporary file or the target goes (formgen/atomic.py)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from formgen.atomic import write_atomic
from formgen.form import cache
from formgen.form.build import write_bytes

VICTIM = b"the operator's own file\n"


def _plant(folder: Path, target: str, victim: Path) -> list[Path]:
    """Links to the victim at every name a writer of `target` could predict: the old fixed
    temporary names (with this process's id and the next few) and the target itself."""
    names = [f"{target}.tmp", f".{target}.tmp",
             *(f"{target}.{pid}.tmp" for pid in range(os.getpid(), os.getpid() + 50))]
    links = [folder / name for name in names]
    for link in links:
        link.symlink_to(victim)
    return links


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "elders" / "belangrijk.txt"
    victim.parent.mkdir()
    victim.write_bytes(VICTIM)
    return victim


WRITERS: dict[str, Callable[[Path, bytes], object]] = {
    "write_atomic": write_atomic,
    "write_bytes": write_bytes,  # forms, batches, reports, replies, the site's download
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("target_is_a_link", [False, True])
def test_a_planted_link_is_never_written_through(writer: str, target_is_a_link: bool,
                                                 tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    out = tmp_path / "uit"
    out.mkdir()
    links = _plant(out, "formulier.pdf", victim)
    if target_is_a_link:
        (out / "formulier.pdf").symlink_to(victim)
    WRITERS[writer](out / "formulier.pdf", b"%PDF-nieuw")
    assert victim.read_bytes() == VICTIM
    assert (out / "formulier.pdf").read_bytes() == b"%PDF-nieuw"
    assert not (out / "formulier.pdf").is_symlink()
    assert all(link.is_symlink() for link in links)  # left as they were
    left = {p.name for p in out.iterdir()} - {link.name for link in links}
    assert left == {"formulier.pdf"}  # no temporary file left behind


def test_form_out_does_not_follow_a_planted_link(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    _plant(tmp_path, "x.pdf", victim)
    result = subprocess.run([sys.executable, "-m", "formgen", "form", "--out",
                             str(tmp_path / "x.pdf")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert victim.read_bytes() == VICTIM
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")


def test_a_cache_entry_does_not_follow_a_planted_link(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    victim = _victim(tmp_path)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(folder))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    codec = cache.Codec(".bin", lambda v: (b"", v), lambda blob, v: v)
    name = cache.entry_name("thing", [b"a", cache.library_versions()])
    for file_name in {name, *cache.entry_files(name, codec)}:  # the old name and the new ones
        _plant(folder, file_name, victim)
    assert cache.cached("thing", [b"a"], lambda: {"n": 1}, codec) == {"n": 1}
    assert victim.read_bytes() == VICTIM


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_modes_follow_the_umask_and_private_files_stay_private(mask: int,
                                                                tmp_path: Path) -> None:
    with _umask(mask):
        write_atomic(tmp_path / "open.pdf", b"x")
        write_atomic(tmp_path / "private", b"x", mode=0o600)
    assert stat.S_IMODE((tmp_path / "open.pdf").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600


def test_check_report_and_reply_do_not_follow_planted_links(tmp_path: Path) -> None:
    """`formgen check --report --reply` on a scanned blank form (incomplete: a reply is
    written), with links planted at the names its report and reply get, and their .tmp."""
    import pypdfium2 as pdfium

    from formgen.check.report import _slug
    from formgen.form import blank_form

    victim = _victim(tmp_path)
    scans = tmp_path / "scan"
    scans.mkdir()
    for number, page in enumerate(pdfium.PdfDocument(blank_form()), start=1):
        page.render(scale=200 / 72).to_pil().convert("L").save(scans / f"pagina-{number}.png")
    report, replies = tmp_path / "rapport", tmp_path / "antwoorden"
    report.mkdir()
    replies.mkdir()
    slug = _slug(str(scans), 1)
    for folder, name in ((report, "index.html"), (report, f"{slug}.html"),
                         (replies, f"{slug}.eml")):
        _plant(folder, name, victim)
        (folder / name).symlink_to(victim)
    result = subprocess.run([sys.executable, "-m", "formgen", "check", str(scans), "--report",
                             str(report), "--reply", str(replies)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1, result.stderr  # a blank form is incomplete
    assert victim.read_bytes() == VICTIM
    for written in (report / "index.html", report / f"{slug}.html", replies / f"{slug}.eml"):
        assert not written.is_symlink() and written.stat().st_size > 0
