"""Outputs of the validator: a readable table, JSON, an HTML report and Dutch reply emails."""

from __future__ import annotations

import base64
import hashlib
import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from email_validator import EmailNotValidError, validate_email
from rich.table import Table
from rich.text import Text

from formgen.check.decision import describe
from formgen.check.intake import FileProblem
from formgen.check.msgid import first_id, thread_ids
from formgen.check.outdir import REPLY_MANIFEST, REPORT_MANIFEST, OutputFolder
from formgen.check.submission import SubmissionResult
from formgen.check.summary import check_label, open_lines, sentence
from formgen.check.verdict import Check, Status, Verdict
from formgen.definition import load_company, load_form
from formgen.form.build import write_bytes
from formgen.texts import environment

VERDICTS = {Verdict.COMPLETE: "compleet", Verdict.INCOMPLETE: "onvolledig",
            Verdict.REVIEW: "nakijken", Verdict.UNREADABLE: "onleesbaar"}
STATUSES = {Status.OK: "in orde", Status.MISSING: "ontbreekt", Status.REVIEW: "nakijken",
            Status.WARNING: "let op"}
STYLE = {Verdict.COMPLETE: "green", Verdict.INCOMPLETE: "red", Verdict.REVIEW: "yellow",
         Verdict.UNREADABLE: "red"}
# A reply lists at most this many unreadable files, then how many more there are.
MAX_REPLY_PROBLEMS = 10


def table(results: list[SubmissionResult]) -> Table:
    grid = Table(title="Controle van inzendingen", show_lines=True)
    grid.add_column("inzending", overflow="fold")
    grid.add_column("oordeel")
    grid.add_column("aanvraag")
    grid.add_column("ontbreekt of nakijken", overflow="fold")
    for result in results:
        open_items = [f"{c.code}: {c.message}" for c in result.checks
                      if c.status in (Status.MISSING, Status.REVIEW, Status.WARNING)]
        open_items += [f"{p.file_name}: {p.message}" for p in result.problems]
        verdict = result.verdict
        # Text cells: a source or message with '[/x]' in it is data, never Rich markup.
        grid.add_row(Text(result.source), Text(VERDICTS[verdict], style=STYLE[verdict]),
                     Text(result.form.get("request_id") or ""),
                     Text("\n".join(open_items) or "-"))
    return grid


def json_document(results: list[SubmissionResult], explain: bool = False) -> dict[str, Any]:
    """The results as JSON; explain: each check also gets the key "explain" (the measures of a
    box and the rules that decided, see check.decision.explanation; null for other checks)."""
    return {"submissions": [r.to_json(explain) for r in results]}


def explained(results: list[SubmissionResult]) -> list[str]:
    """Per submission and box: the status, the rules that decided and the measures (for
    ``formgen check --explain``; Dutch, with the names of rules and measures)."""
    lines = []
    for result in results:
        lines.append(f"== {result.source}: {VERDICTS[result.verdict]}")
        for check in result.checks:
            if check.explain is None:
                continue
            lines.append(f"{check.code} ({check_label(check.code)}): "
                         f"{STATUSES[check.status]}")
            lines += ["  " + line for line in _described(check.explain)]
    return lines


def _described(explain: dict[str, Any]) -> list[str]:
    """describe's lines of a box; of a group, then each of its boxes' own, indented."""
    lines = describe(explain)
    for code, member in explain.get("members", {}).items():
        lines.append(f"{code} ({check_label(code)}): {STATUSES[Status(member['status'])]}")
        if "rules" in member:
            lines += ["  " + line for line in describe(member)]
    return lines


def _slug(source: str, index: int) -> str:
    """A safe file name for a submission's page or reply, without its extension: ASCII, no
    path, unique by index (`003-vraag-e5c134`, never `…eml-e5c134.eml`)."""
    path = Path(source)
    stem = path.stem if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", path.suffix) else path.name
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60] or "inzending"
    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{index:03d}-{name}-{digest}"


def _png_data_uri(image: np.ndarray | None) -> str | None:
    if image is None or image.size == 0:
        return None
    ok, buffer = cv2.imencode(".png", image)
    return "data:image/png;base64," + base64.b64encode(buffer.tobytes()).decode() if ok else None


OPEN = (Status.MISSING, Status.REVIEW, Status.WARNING)


def _crops(check: Check) -> list[tuple[str | None, str]]:
    """The check's crops as (label, data URI): every labelled box, else its one crop."""
    shown: list[tuple[str | None, str | None]] = [
        (label, _png_data_uri(image)) for label, image in check.crops]
    shown = shown or [(None, _png_data_uri(check.crop))]
    return [(label, uri) for label, uri in shown if uri]


def _to_copy(result: SubmissionResult) -> list[dict[str, Any]]:
    """The boxes support types in: the new values of a change and a handwritten reply address."""
    return [{"label": check_label(c.code), "status": c.status, "crops": _crops(c)}
            for c in result.checks
            if c.crops and (c.code.startswith("group:") or c.code == "email")]


COPY_SCRIPT = "kopieer.js"  # the copy buttons' script, beside the pages (see check.changes)
SOURCES = {"typed": "getypt", "handwritten": "met de hand"}


def _values(result: SubmissionResult, to_copy: list[dict[str, Any]]
            ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The values read (check.changes) by label, to show beside their crop among the boxes to
    copy; and those without such a crop (a digital form, a reply address that checked out),
    each with its own crop when there is one."""
    shown = {label for item in to_copy for label, _ in item["crops"]}
    values = {c.label: c for c in result.changes}
    alone = [{"change": c, "uri": _png_data_uri(c.crop)} for c in result.changes
             if c.label not in shown]
    return values, alone


def write_report(results: list[SubmissionResult], out_dir: Path) -> Path:
    """One HTML page per submission (with crops of every checked box) and an index. The files
    an earlier report wrote into the folder are removed first (see check.outdir)."""
    env = environment()
    entries = []
    names = [_slug(result.source, index) + ".html"
             for index, result in enumerate(results, start=1)]
    folder = OutputFolder(out_dir, REPORT_MANIFEST)
    copying = any(result.changes for result in results)  # a page with a copy button
    folder.replace([*names, "index.html", *([COPY_SCRIPT] if copying else [])])
    for name, result in zip(names, results, strict=True):
        lines = open_lines(result, OPEN)
        note = recipient(result)[1] if reply_message(result) is not None else None
        rows = [{"check": c, "label": check_label(c.code), "crops": _crops(c),
                 "explain": _described(c.explain) if c.explain is not None else []}
                for c in result.checks]
        to_copy = _to_copy(result)
        values, alone = _values(result, to_copy)
        html = env.get_template("report/submission.html.j2").render(
            result=result, rows=rows, lines=lines, to_copy=to_copy, values=values,
            values_alone=alone, sources=SOURCES, copy_script=COPY_SCRIPT,
            reply_note=note, verdicts=VERDICTS, statuses=STATUSES)
        write_bytes(out_dir / name, html.encode("utf-8"))
        entries.append({"href": name, "result": result, "lines": lines})
    index_html = env.get_template("report/index.html.j2").render(
        entries=entries, verdicts=VERDICTS, statuses=STATUSES)
    write_bytes(out_dir / "index.html", index_html.encode("utf-8"))
    if copying:
        assert env.loader is not None
        script, _, _ = env.loader.get_source(env, f"report/{COPY_SCRIPT}")
        write_bytes(out_dir / COPY_SCRIPT, script.encode("utf-8"))
    return out_dir / "index.html"


def reply_items(result: SubmissionResult) -> list[str]:
    """What is missing, one sentence each, in the customer's words (no internal codes): the
    same lines as the report's index (see check.summary)."""
    items = [line.text for line in open_lines(result)]
    for problem in result.problems[:MAX_REPLY_PROBLEMS]:
        items.append(_problem_line(problem))
    rest = len(result.problems) - MAX_REPLY_PROBLEMS
    if rest > 0:
        items.append(f"Nog {rest} andere bestanden kunnen wij niet openen.")
    return items


def _problem_line(problem: FileProblem) -> str:
    """A file the customer sent is named as they named it (never a path); the submission's
    own .eml or folder is ours: its problem is told without its name."""
    if problem.whole:
        return sentence(problem.message)
    name = problem.file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return f"Het bestand {name} kunnen wij niet openen: {problem.message}."


REPLY_VERDICTS = (Verdict.INCOMPLETE, Verdict.UNREADABLE)


def reply_message(result: SubmissionResult) -> EmailMessage | None:
    """The Dutch reply email to an incomplete or unreadable submission (None for the others)."""
    if result.verdict not in REPLY_VERDICTS or result.internal_error:
        return None  # internal error: our fault, not the customer's; support looks first
    company, form = load_company(), load_form()
    name = "no_form" if result.not_a_submission else "incomplete"
    template = environment().get_template(f"reply/{name}.txt.j2")
    body = template.render(result=result, items=reply_items(result), company=company,
                           form=form, form_url=company.article_url("form"))
    message = EmailMessage()
    message["From"] = company.support_email
    to, _ = recipient(result)
    if to:
        message["To"] = to
    message["X-Unsent"] = "1"  # not ready to send: mail clients open it as a draft
    subject = ("Wij hebben geen wijzigingsformulier van u ontvangen" if result.not_a_submission
               else "Uw wijzigingsformulier is nog niet compleet")
    if result.form.get("request_id"):
        subject += f" (aanvraag {result.form['request_id']})"
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=company.support_email.split("@")[-1])
    thread(message, result.message_id, result.references)
    message.set_content(body)
    return message


def thread(message: EmailMessage, message_id: str | None, references: str | None) -> None:
    """In-Reply-To and References under the customer's e-mail (when it has a Message-ID),
    with References trimmed to its first and last few valid ids (see check.msgid)."""
    del message["In-Reply-To"]
    del message["References"]
    own = first_id(message_id)
    if own:
        message["In-Reply-To"] = own
        message["References"] = " ".join(thread_ids(references, own))


def recipient(result: SubmissionResult) -> tuple[str | None, str | None]:
    """The reply's To (its domain in IDNA, ASCII) and, when there is none, why: a note for
    support. An address with letters outside ASCII before the @ needs a mail server with
    SMTPUTF8; support types such an address in themselves."""
    if not result.reply_to:
        return None, ("Het antwoord aan de klant heeft nog geen geadresseerde: er is geen "
                      "e-mailadres dat wij zeker weten. Neem het adres over uit de uitsnede "
                      "hieronder en controleer het. Controleer de inzending daarna opnieuw "
                      "met --from en dat adres, dan krijgt het antwoord die geadresseerde.")
    try:
        address = validate_email(result.reply_to, check_deliverability=False)
    except EmailNotValidError:
        return None, (f"Het antwoordadres {result.reply_to} is niet geldig; zet het juiste "
                      "adres zelf in het antwoord.")
    if address.ascii_email:
        return address.ascii_email, None
    return None, (f"Het antwoordadres {result.reply_to} heeft letters buiten het Latijnse "
                  "alfabet vóór de @. Niet elke mailserver kan daarheen sturen, daarom staat "
                  "het niet in het antwoord: zet het zelf in het antwoord als uw mailserver "
                  "dat aankan.")


def write_replies(results: list[SubmissionResult], out_dir: Path) -> list[Path]:
    """A Dutch reply email (.eml) for every submission that is incomplete or unreadable. The
    replies an earlier run wrote into the folder are removed first: none is sent twice."""
    replies = [(_slug(result.source, index) + ".eml", message)
               for index, result in enumerate(results, start=1)
               if (message := reply_message(result)) is not None]
    OutputFolder(out_dir, REPLY_MANIFEST).replace([name for name, _ in replies])
    written = []
    for name, message in replies:
        path = out_dir / name
        write_bytes(path, bytes(message))
        written.append(path)
    return written
