"""The `formgen` command: parses options, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from formgen import cli_texts, keys
from formgen.errors import ExitCode, FormgenError
from formgen.form.batch import build_batch
from formgen.form.build import blank_form, layout_contract, prefilled_form, write_bytes
from formgen.form.customers import check_readable, load_customer
from formgen.processes import Interrupted
from formgen.resources import CONFIG_ENV

INTERNAL_LOG = "interne-fouten.log"

F = TypeVar("F", bound=Callable[..., Any])
# markup=False, emoji=False: names, paths and customer data are printed as they are, never read
# as Rich markup or emoji codes (':100:' in 'klanten.jsonl:100:' stays a line number).
# soft_wrap=True: a long line (a path, a request id) is not broken by an inserted newline.
err = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)
out = Console(highlight=False, markup=False, emoji=False)
cli_texts.install()


INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl+C (128 + SIGINT)
STOPPING = ("gestopt met Ctrl+C; wat al klaar is, wordt nog bewaard "
            "(nog een keer Ctrl+C stopt meteen)")


def _ctrl_c(signum: int, frame: object) -> None:
    """First Ctrl+C: say so at once and stop (KeyboardInterrupt); the command keeps what is
    done. A second one ends the process at once; its workers die with it."""
    if getattr(_ctrl_c, "pressed", False):
        os._exit(INTERRUPTED)
    _ctrl_c.pressed = True  # type: ignore[attr-defined]
    os.write(2, ("\nformgen: " + STOPPING + "\n").encode())
    raise KeyboardInterrupt


def _friendly(func: F) -> F:
    """Turn every FormgenError into one line on stderr and its exit code; handle Ctrl+C."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = signal.getsignal(signal.SIGINT)
        # A run started in the background keeps ignoring Ctrl+C; only the main thread can catch it.
        ours = (before not in (signal.SIG_IGN, None)
                and threading.current_thread() is threading.main_thread())
        if ours:
            _ctrl_c.pressed = False  # type: ignore[attr-defined]
            signal.signal(signal.SIGINT, _ctrl_c)
        try:
            return func(*args, **kwargs)
        except FormgenError as exc:
            err.print(Text.assemble(("formgen: fout:", "red"), " ", exc.line()))
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            err.print("formgen: afgebroken")
            sys.exit(INTERRUPTED)
        finally:
            # After a Ctrl+C ours stays: a second one, however late (pressed with the first,
            # while the run shuts down), ends the process with INTERRUPTED; Python's own
            # handler would raise it anew and the process would die of the signal (-2).
            if ours and not getattr(_ctrl_c, "pressed", False):
                signal.signal(signal.SIGINT, before)

    return wrapper  # type: ignore[return-value]


@click.group(cls=cli_texts.DutchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formgen")
@click.option("--config", "config_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map met form.yaml en company.yaml van uw bedrijf "
                   "(anders FORMGEN_CONFIG_DIR, anders de standaard uit het pakket).")
def main(config_dir: Path | None) -> None:
    """Wijzigingsformulier voor de klantenkaart: maken, publiceren en controleren."""
    if config_dir is not None:
        # Through the environment, so worker processes (--jobs) read the same definition.
        os.environ[CONFIG_ENV] = str(config_dir.resolve())


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum (JJJJ-MM-DD)") from None


@main.command(short_help="Maak het formulier: leeg, voor één klant of voor veel klanten.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Pdf-bestand om te schrijven (leeg of voor één klant).")
@click.option("--customer", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON-bestand met de gegevens van één klant: vult het formulier vooraf in.")
@click.option("--customers", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV- of JSONL-bestand met één klant per regel: één pdf per klant.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map voor de pdf's bij --customers.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              metavar="AANTAL",
              help="Aantal processen bij --customers.")
@click.option("--request-id", metavar="NUMMER",
              help="Aanvraagnummer (anders wordt een uniek nummer gemaakt).")
@click.option("--date", "issued", metavar="DATUM",
              help="Datum van uitgifte, JJJJ-MM-DD (standaard vandaag).")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sleutelbestand (anders FORMGEN_SECRET of FORMGEN_KEY_FILE).")
@_friendly
def form(out_path: Path | None, customer: Path | None, customers: Path | None,
         out_dir: Path | None, jobs: int, request_id: str | None, issued: str | None,
         key_file: Path | None) -> None:
    """Maak het wijzigingsformulier: leeg, vooraf ingevuld voor één klant, of voor veel klanten.

    \b
      formgen form --out leeg.pdf
      formgen form --customer klant.json --out formulier.pdf
      formgen form --customers klanten.csv --out-dir formulieren/ --jobs 2
    """
    if customer and customers:
        raise click.UsageError("kies --customer of --customers, niet allebei")
    from formgen.form import cache

    cache.enable()  # the built template is kept on disk for the next run (form/cache.py)
    if customers:
        if out_dir is None:
            raise click.UsageError("--customers heeft --out-dir nodig")
        if request_id:
            raise click.UsageError("--request-id kan niet bij --customers (elk formulier krijgt "
                                   "een eigen nummer)")
        _batch(customers, out_dir, jobs, _date(issued), key_file)
        return
    if out_path is None:
        raise click.UsageError("geef --out PAD")
    if customer is None:
        write_bytes(out_path, blank_form())
        err.print(f"Leeg formulier geschreven: {out_path}")
        return
    record = load_customer(customer)
    key = keys.require_key(key_file)
    pdf, rid = prefilled_form(record, key, request_id=request_id, issued=_date(issued))
    write_bytes(out_path, pdf)
    err.print(f"Formulier voor klant {record.customer_id} geschreven: {out_path} "
              f"(aanvraag {rid})")


def _batch(source: Path, out_dir: Path, jobs: int, issued: dt.date | None,
           key_file: Path | None) -> None:
    check_readable(source, batch=True)  # the input file's problem first, then the key's
    key = keys.require_key(key_file)
    # The bar appears once the file is read and the number of rows known, never as '0/?'
    # before an error.
    bar = Progress(TextColumn("Formulieren"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=err, transient=False)
    tasks: list[Any] = []  # the bar's one task, once the total is known

    def progress(done: int, total: int) -> None:
        if not tasks:
            bar.start()
            tasks.append(bar.add_task("formulieren", total=total))
        bar.update(tasks[0], completed=done, total=total)

    left: list[tuple[int, str]] = []
    try:
        result = build_batch(source, out_dir, key, jobs=jobs, issued=issued, progress=progress)
    except Interrupted as stop:  # the forms written stay, and the manifest lists them
        result, left = stop.done, stop.left
    finally:
        bar.stop()
    for line, message in result.failures:
        err.print(f"{source}:{line}: overgeslagen: {message}")
    for line, customer_id in left:
        err.print(f"{source}:{line}: klant {customer_id}: niet gemaakt (gestopt met Ctrl+C)")
    err.print(f"{result.written} formulieren geschreven in {out_dir}"
              + (f", overzicht in {result.manifest}" if result.manifest else "")
              + (f"; {len(result.failures)} regels overgeslagen" if result.failures else "")
              + (f"; {len(left)} niet gemaakt" if left else ""))
    if left:
        sys.exit(INTERRUPTED)
    if result.failures:
        sys.exit(int(ExitCode.PARTIAL))


@main.command(short_help="Toon alle velden en hun plaats (het layoutcontract).")
@click.option("--json", "as_json", is_flag=True, help="Druk het layoutcontract af als JSON.")
@_friendly
def fields(as_json: bool) -> None:
    """Toon alle velden met soort, regel, pagina en plaats (punten, oorsprong linksboven)."""
    contract = layout_contract()
    if as_json:
        click.echo(json.dumps(contract, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{contract['form']['id']} versie {contract['form']['version']}",
                  caption="pag.: pagina; x, y: linkerbovenhoek, b: breedte, h: hoogte, in "
                          "punten vanaf linksboven", box=box.SIMPLE_HEAD, pad_edge=False)
    # Nothing is cut, whatever the terminal's width: an id (typed, copied) and the numbers stay
    # whole on one line; label, kind and rule wrap.
    id_width = max(len(f["id"]) for f in contract["fields"])
    table.add_column("id", no_wrap=True, min_width=id_width)
    for column in ("label", "soort", "regel"):
        table.add_column(column, overflow="fold")
    for column in ("pag.", "x", "y", "b", "h"):
        table.add_column(column, no_wrap=True, justify="right")
    for f in contract["fields"]:
        rule = "verplicht" if f["required"] else (f"groep {f['group']}" if f["group"] else "")
        r = f["rect"]
        table.add_row(f["id"], f["label"], f["kind"], rule, str(f["page"]),
                      *(f"{r[k]:.1f}" for k in ("x", "y", "width", "height")))
    out.print(table)


@main.command(short_help="Maak een nieuwe geheime sleutel.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Waar de nieuwe sleutel komt (wordt nooit overschreven).")
@_friendly
def key(out_path: Path) -> None:
    """Maak een nieuwe geheime sleutel voor het ondertekenen van formulieren."""
    if not keys.create_key_file(out_path):
        raise click.UsageError(f"{out_path} bestaat al; een sleutel wordt nooit overschreven")
    err.print(f"Nieuwe sleutel geschreven: {out_path} (alleen leesbaar voor u). "
              "Zet FORMGEN_KEY_FILE naar dit pad.")


@main.command(short_help="Maak een leeg formulier en een ingevuld voorbeeld.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Map voor de twee pdf's.")
@_friendly
def demo(out_dir: Path) -> None:
    """Maak een leeg formulier en een vooraf ingevuld voorbeeld (met een ontwikkelsleutel)."""
    from formgen.form.demo import run_demo

    for line in run_demo(out_dir):
        err.print(line)


@main.command(short_help="Controleer teruggestuurde inzendingen: is alles er?")
@click.argument("paths", nargs=-1, required=True, metavar="PAD...",
                type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Druk het resultaat af als JSON.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map voor een HTML-rapport met uitsneden van elk veld en de handtekening.")
@click.option("--reply", "reply_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map voor een antwoordmail (.eml) per onvolledige inzending.")
@click.option("--redact", "redact_dir", type=click.Path(path_type=Path), metavar="MAP",
              help="Map voor een kopie van elk identiteitsbewijs met het BSN afgeschermd.")
@click.option("--redact-format", type=click.Choice(["png", "pdf"]), default="png",
              show_default=True, help="Bestandsvorm van die kopie.")
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV- of JSONL-bestand met de nieuwe gegevens van elke complete inzending "
                   "(één regel per gegeven), voor het klantsysteem.")
@click.option("--from", "from_address", metavar="ADRES",
              help="E-mailadres van de klant (als het nergens staat).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              metavar="AANTAL",
              help="Aantal inzendingen tegelijk.")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sleutelbestand (anders FORMGEN_SECRET of FORMGEN_KEY_FILE).")
@click.option("--verbose", is_flag=True,
              help="Toon de technische details van een interne fout (voor ontwikkelaars).")
@click.option("--explain", is_flag=True,
              help="Toon per vak de metingen en de regel die besliste (met --json: de sleutel "
                   "'explain' per controle).")
@_friendly
def check(paths: tuple[Path, ...], as_json: bool, report_dir: Path | None,
          reply_dir: Path | None, redact_dir: Path | None, redact_format: str,
          export_path: Path | None, from_address: str | None, jobs: int,
          key_file: Path | None, verbose: bool, explain: bool) -> None:
    """Controleer teruggestuurde inzendingen: is alles er?

    Elk PAD is één inzending: een e-mail (.eml), een map of één bestand.
    Afsluitcode 0 als alles compleet is, 1 als iets niet compleet is, 3 als een
    inzending door een interne fout niet is beoordeeld (de andere wel), 130 na
    Ctrl+C (wat al beoordeeld is, staat in de uitvoer; de rest wordt genoemd).

    \b
      formgen check inbox/*.eml --report rapport/ --reply antwoorden/
    """
    from formgen.check.intake.names import shown_path
    from formgen.check.intake.sources import require_usable_path
    from formgen.check.report import (
        explained,
        json_document,
        table,
        write_replies,
        write_report,
    )
    from formgen.check.run import run_checks

    for path in paths:  # a FIFO or a device is a usage error, found before anything is read
        require_usable_path(path)
    if redact_dir is not None:  # a folder that cannot be used: said before anything is checked
        from formgen.check.identity.id_copy import prepare_folder

        prepare_folder(redact_dir)
    if export_path:
        from formgen.check.export import export_format

        export_format(export_path)  # a wrong extension is said before anything is checked
    key = keys.load_key(key_file)
    left: list[Path] = []
    with Progress(TextColumn("Inzendingen"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err, transient=True,
                  disable=as_json or len(paths) < 2) as bar:
        task = bar.add_task("inzendingen", total=len(paths))
        try:
            results = run_checks(list(paths), key=key, from_address=from_address, jobs=jobs,
                                 progress=lambda done: bar.update(task, completed=done),
                                 redact_dir=redact_dir, redact_format=redact_format)
        except Interrupted as stop:  # keep what was judged; name what was not
            results, left = stop.done, stop.left
    if as_json:
        document = json_document(results, explain=explain)
        if left:
            document["not_checked"] = [shown_path(p) for p in left]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif results:
        out.print(table(results))
        if explain:
            out.print("\n".join(explained(results)), soft_wrap=True)
    if report_dir:
        err.print(f"Rapport: {write_report(results, report_dir)}")
    if reply_dir:
        replies = write_replies(results, reply_dir)
        err.print(f"{len(replies)} antwoordmail(s) in {reply_dir}")
    if redact_dir is not None:
        kept = sum(c.code == "id_copy" and c.status == "ok" for r in results for c in r.checks)
        err.print(f"{kept} kopie(ën) zonder BSN in {redact_dir}")
    if export_path:
        from formgen.check.export import write_export

        err.print(f"{write_export(results, export_path)} nieuw(e) gegeven(s) in {export_path}")
    failed = [r for r in results if r.internal_error]
    if failed:
        _report_internal_errors(failed, report_dir, verbose)
    if left:
        for path in left:
            err.print(f"{shown_path(path)}: niet beoordeeld (gestopt met Ctrl+C)")
        err.print(f"{len(results)} inzending(en) beoordeeld, {len(left)} niet")
        sys.exit(INTERRUPTED)
    if failed:
        sys.exit(int(ExitCode.INTERNAL))
    complete = all(r.verdict == "complete" for r in results)
    sys.exit(int(ExitCode.OK if complete else ExitCode.PARTIAL))


def _report_internal_errors(failed: list[Any], report_dir: Path | None, verbose: bool) -> None:
    """Tracebacks go to a log under --report, or to stderr with --verbose; never to the customer."""
    details = "".join(f"== {r.source}\n{r.internal_error}\n" for r in failed)
    where = "gebruik --verbose of --report MAP voor de details"
    if report_dir:
        from formgen.check.outdir import REPORT_MANIFEST, OutputFolder

        log = OutputFolder(report_dir, REPORT_MANIFEST).add(
            INTERNAL_LOG, details.encode("utf-8", errors="replace"))
        where = f"details in {log}"
    if verbose:
        err.print(details)
    err.print(f"{len(failed)} inzending(en) niet beoordeeld door een interne fout; {where}")


@main.command(short_help="Controleer de mailbox van de klantenservice en berg berichten op.")
@click.option("--host", help="Mailserver (anders FORMGEN_IMAP_HOST).")
@click.option("--port", type=click.IntRange(1, 65535),
              help="Poort (standaard 993 voor IMAPS, 143 voor STARTTLS).")
@click.option("--starttls", is_flag=True, help="STARTTLS in plaats van IMAPS.")
@click.option("--insecure", is_flag=True,
              help="Zonder versleuteling; alleen voor een testserver op deze computer.")
@click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path),
              help="Certificaat om de server te vertrouwen (anders FORMGEN_IMAP_CAFILE).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("formgen-inbox.sqlite"), show_default=True,
              help="Statusbestand: welke berichten al zijn gecontroleerd en opgeborgen.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map voor een HTML-rapport van de berichten van deze ronde.")
@click.option("--redact", "redact_dir", type=click.Path(path_type=Path), metavar="MAP",
              help="Map voor een kopie van elk identiteitsbewijs met het BSN afgeschermd "
                   "(anders mailbox.id_copies uit company.yaml).")
@click.option("--redact-format", type=click.Choice(["png", "pdf"]),
              help="Bestandsvorm van die kopie (anders mailbox.id_copies_format, standaard png).")
@click.option("--json", "as_json", is_flag=True, help="Druk het resultaat af als JSON.")
@click.option("--watch", is_flag=True, help="Blijf wachten op nieuwe berichten (Ctrl+C stopt).")
@click.option("--interval", type=click.FloatRange(1, 3600), default=60, show_default=True,
              help="Seconden tussen twee rondes als de server geen IDLE kent.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Aantal berichten dat tegelijk wordt gecontroleerd.")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sleutelbestand (anders FORMGEN_SECRET of FORMGEN_KEY_FILE).")
@click.option("--explain", is_flag=True,
              help="Toon per bericht en vak de metingen en de regel die besliste, zoals "
                   "check --explain (met --json: de sleutel 'explain' per controle).")
@_friendly
def inbox(host: str | None, port: int | None, starttls: bool, insecure: bool,
          cafile: Path | None, state_path: Path, report_dir: Path | None,
          redact_dir: Path | None, redact_format: str | None, as_json: bool, watch: bool,
          interval: float, jobs: int, key_file: Path | None, explain: bool) -> None:
    """Controleer de mailbox van de klantenservice en berg elk bericht op per oordeel.

    Gebruiker en wachtwoord komen uit FORMGEN_IMAP_USER en FORMGEN_IMAP_PASSWORD (of
    FORMGEN_IMAP_PASSWORD_FILE), nooit van de opdrachtregel. Onvolledige en onleesbare
    inzendingen krijgen een concept-antwoord; er wordt nooit mail verstuurd of verwijderd.
    Afsluitcode 0 als alles compleet is, 1 als iets niet compleet is, 3 als een bericht
    niet is beoordeeld, 130 na Ctrl+C (berichten die niet klaar zijn, blijven staan).

    \b
      formgen inbox --host imap.voorbeeld.nl --state /var/lib/formgen/inbox.sqlite
    """
    from formgen.check.inbox import Connection, Outcome, StateStore, mailbox_settings, process
    from formgen.check.inbox import server_settings as make_server_settings
    from formgen.check.inbox import watch as watch_mailbox
    from formgen.check.report import VERDICTS, explained, json_document, table, write_report

    server = make_server_settings(host, port, starttls=starttls, insecure=insecure, cafile=cafile)
    settings = mailbox_settings()
    if redact_dir is not None:
        settings = dataclasses.replace(settings, id_copies=redact_dir)
    if redact_format is not None:
        settings = dataclasses.replace(settings, id_copies_format=redact_format)
    if settings.id_copies is not None:  # a folder that cannot be used: said before the mail
        from formgen.check.identity.id_copy import prepare_folder

        prepare_folder(settings.id_copies)
    key = keys.load_key(key_file)
    terminal = err.is_terminal and not as_json

    def line(outcome: Outcome) -> None:
        text = (f"{outcome.source}: {VERDICTS[outcome.verdict]} -> {outcome.target}"
                + (", concept-antwoord gemaakt" if outcome.draft else ""))
        extra = [c.message for c in outcome.result.checks if c.code in ("message", "internal")]
        err.print(text + (f" ({extra[0]})" if extra else ""), soft_wrap=True, markup=False)
        if explain and not as_json:  # the log: each message's explanation after its line
            err.print("\n".join(explained([outcome.result])), soft_wrap=True, markup=False)

    with StateStore(state_path) as store:
        if watch:
            count = [0]

            def on_message(outcome: Outcome) -> None:
                count[0] += 1
                line(outcome)

            try:
                watch_mailbox(lambda: Connection(server), store, settings, key=key,
                              interval=interval, on_message=on_message, jobs=jobs,
                              on_event=lambda text: err.print(text, soft_wrap=True,
                                                              markup=False))
            except KeyboardInterrupt:
                err.print(f"gestopt na {count[0]} bericht(en); de volgende keer gaat het "
                          "verder waar het bleef")
            return
        with Connection(server) as conn, Progress(
                TextColumn("Berichten"), BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), console=err, transient=True,
                disable=not terminal) as bar:
            task = bar.add_task("berichten", total=None)

            def advance(outcome: Outcome) -> None:
                bar.advance(task)
                if not terminal:
                    line(outcome)

            left: list[str] = []
            try:
                summary = process(conn, store, settings, key=key, jobs=jobs,
                                  on_message=advance,
                                  on_total=lambda n: bar.update(task, total=n))
            except Interrupted as stop:  # what was filed is reported; the rest waits
                summary, left = stop.done, stop.left
    results = [o.result for o in summary.outcomes]
    if as_json:
        click.echo(json.dumps(json_document(results, explain=explain), indent=2,
                              ensure_ascii=False))
    elif terminal and results:
        out.print(table(results))
        if explain:
            out.print("\n".join(explained(results)), soft_wrap=True, markup=False)
    if report_dir and results:
        err.print(f"Rapport: {write_report(results, report_dir)}")
    drafts = sum(o.draft for o in summary.outcomes)
    failed = [r for r in results if r.internal_error]
    if failed:
        _report_internal_errors(failed, report_dir, verbose=False)
    if not results and not left:
        err.print(f"{summary.folder}: geen nieuwe berichten"
                  + (f" ({summary.busy} worden door een andere ronde gecontroleerd)"
                     if summary.busy else ""))
    else:
        err.print(f"{len(results)} bericht(en) gecontroleerd en opgeborgen, "
                  f"{drafts} concept-antwoord(en) gemaakt")
    if left:
        for source in left:
            err.print(f"{source}: niet gecontroleerd (gestopt met Ctrl+C); de volgende ronde "
                      "doet het")
        sys.exit(INTERRUPTED)
    sys.exit(int(ExitCode.INTERNAL if failed else ExitCode.OK if summary.complete
                 else ExitCode.PARTIAL))


@main.group(short_help="Het helpcentrum: formulier klaarzetten, zoekindex maken, site tonen.")
def site() -> None:
    """Het helpcentrum: het formulier in de site zetten, de zoekindex maken en de gebouwde site
    tonen."""


@site.command("prepare", short_help="Zet het actuele formulier klaar voor de site.")
@click.option("--docs-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("docs"), show_default=True)
@click.option("--generated-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("generated"), show_default=True)
@_friendly
def site_prepare(docs_dir: Path, generated_dir: Path) -> None:
    """Zet het actuele lege formulier en de lijsten die ervan afhangen klaar voor de site."""
    from formgen.site import prepare_site
    from formgen.site.prepare import require_site_folder, site_node_modules

    source_of = click.get_current_context().get_parameter_source
    if any(source_of(name) is click.core.ParameterSource.DEFAULT
           for name in ("docs_dir", "generated_dir")):
        require_site_folder(Path.cwd())  # the default folders only where the help center is
    published = prepare_site(docs_dir, generated_dir, node_modules=site_node_modules(Path.cwd()))
    err.print(f"Formulier versie {published.version} ({published.size_label}) klaar: "
              f"{published.path}")


@site.command("index", short_help="Maak na het bouwen de zoekindex met Nederlandse zoekwoorden.")
@click.argument("site_dir", type=click.Path(file_okay=False, path_type=Path),
                default=Path("site"))
@click.option("--synonyms", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("site_config/synoniemen.yaml"), show_default=True,
              help="Zoekwoorden van klanten bij de woorden van de site.")
@_friendly
def site_index(site_dir: Path, synonyms: Path) -> None:
    """Maak na het bouwen van de site de zoekindex (Pagefind) met Nederlandse zoekwoorden."""
    from formgen.site import index_site

    indexed = index_site(site_dir, synonyms)
    if indexed.missing:
        err.print(f"Let op: {indexed.missing}; zoeken werkt, maar zonder delen van "
                  "samenstellingen.")
    err.print(f"Zoekindex klaar: {len(indexed.pages)} pagina's, {indexed.words} woorden in de "
              f"woordenlijst, in {site_dir / 'pagefind'}")


@site.command("serve", short_help="Toon de gebouwde site op deze computer.")
@click.option("--dir", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("site"), show_default=True, help="Map met de gebouwde site.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              metavar="POORT", help="Poort op 127.0.0.1 (0: een vrije poort).")
@_friendly
def site_serve(site_dir: Path, port: int) -> None:
    """Toon de gebouwde site op http://127.0.0.1:POORT/ (alleen op deze computer).

    Een onbekend adres geeft de Nederlandse foutpagina van de site (404.html).
    """
    from formgen.site.serve import site_server

    server = site_server(site_dir, port)
    err.print(f"Helpcentrum: http://127.0.0.1:{server.server_port}/  (stoppen met Ctrl+C)")
    if threading.current_thread() is threading.main_thread():  # nothing to keep: stop quietly
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl+C is how this command ends: no error (make run stays quiet)
        err.print("Helpcentrum gestopt.")
    finally:
        server.server_close()
