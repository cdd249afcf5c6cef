"""`formgen inbox` on a real Dovecot with 50 delivered submissions: time, second run, kill+resume.

    python benchmarks/bench_inbox.py [--mails 50] [--seed 3] [--workers 2] [--jobs 1]

Builds the messages with the corpus helpers (scanned prefilled forms with and without an ID
photo, unsigned forms, corrupt PDFs, messages without attachments, malformed MIME, plain
questions), delivers them to a throw-away Dovecot on loopback (tests/check/imap_server.py) and
runs `formgen inbox` once (timed), then again (must change nothing). Then a second server gets
the same messages, a run is killed (SIGKILL) halfway and a new run finishes it: the end state
must be the same as after the single run. Prints the times and any difference; exits 1 on one.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "check")]

import imap_server  # noqa: E402
import inbox_mails as mails  # noqa: E402

KEY = b"inbox-benchmark-key-0123456789abcdef"
MIX = ([mails.complete] * 15 + [mails.no_id] * 10 + [mails.unsigned_no_id] * 5
       + [mails.corrupt_pdf] * 5 + [mails.no_attachment] * 5 + [mails.malformed_mime] * 5
       + [mails.plain_text] * 5)
FOLDER = {"complete": "Wijzigingen/Compleet", "incomplete": "Wijzigingen/Onvolledig",
          "review": "Wijzigingen/Nakijken", "unreadable": "Wijzigingen/Onleesbaar"}


def _build(args: tuple[Path, int, int]) -> mails.Mail:
    out, seed, index = args
    return mails.build(out / f"{index:03d}", KEY, [MIX[index % len(MIX)]], seed=seed + index)[0]


def _inbox(server: imap_server.Dovecot, state: Path, *extra: str
           ) -> subprocess.Popen[str]:
    env = server.env(FORMGEN_SECRET=KEY.decode())
    return subprocess.Popen([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imap_port), "--starttls", "--state", str(state),
                             *extra], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _filed(state: Path) -> int:
    try:
        with sqlite3.connect(state, timeout=30) as db:
            return int(db.execute("SELECT count(*) FROM messages WHERE status='filed'"
                                  ).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _end_state(server: imap_server.Dovecot) -> dict[str, list[tuple[str, ...]]]:
    """Folders with their messages; drafts by the message they answer (their own ids differ)."""
    snap = imap_server.snapshot(server)
    return {folder: sorted((irt, *flags) if folder == "Drafts" else (mid, *flags)
                           for mid, irt, flags in items) for folder, items in snap.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mails", type=int, default=50)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2, help="processes building the messages")
    ap.add_argument("--jobs", type=int, default=1, help="formgen inbox --jobs")
    args = ap.parse_args(argv)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            built = list(pool.map(_build, [(tmp / "mails", args.seed, i)
                                           for i in range(args.mails)]))
        print(f"{len(built)} messages built in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{k} {n}" for k, n in Counter(m.kind for m in built).items()))

        server = imap_server.start()
        try:
            for mail in built:
                server.deliver(mail.raw)
            state = tmp / "a.sqlite"
            t0 = time.perf_counter()
            run = _inbox(server, state, "--json", "--jobs", str(args.jobs))
            out, err = run.communicate()
            one_run = time.perf_counter() - t0
            results = json.loads(out)["submissions"]
            verdicts = Counter(r["verdict"] for r in results)
            print(f"one run: {len(results)} messages in {one_run:.1f} s "
                  f"({one_run / max(1, len(results)):.2f} s each), exit {run.returncode}; "
                  + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())))
            snap = imap_server.snapshot(server)
            if snap.get("INBOX"):
                problems.append(f"{len(snap['INBOX'])} messages left in INBOX")
            by_id = {}
            for mail, result in zip(built, results, strict=True):  # UIDs follow delivery order
                by_id[mail.message_id] = result["verdict"]
                places = [f for f, items in snap.items() if f != "Drafts"
                          for mid, _, _ in items if mid == mail.message_id]
                if places != [FOLDER[result["verdict"]]]:
                    problems.append(f"{mail.kind} {mail.message_id}: in {places}, verdict "
                                    f"{result['verdict']}")
            wanted = sorted(m for m, v in by_id.items() if v in ("incomplete", "unreadable"))
            got = sorted(irt for _, irt, _ in snap.get("Drafts", []))
            if got != wanted:
                problems.append(f"drafts: {len(got)} for {len(wanted)} incomplete/unreadable")
            intended = Counter((m.expected, by_id[m.message_id]) for m in built)
            print("intended -> found: " + ", ".join(f"{a} -> {b}: {n}"
                                                    for (a, b), n in sorted(intended.items())))
            t0 = time.perf_counter()
            again = _inbox(server, state)
            _, err2 = again.communicate()
            print(f"second run: {time.perf_counter() - t0:.1f} s, exit {again.returncode}: "
                  f"{err2.strip().splitlines()[-1] if err2.strip() else ''}")
            if imap_server.snapshot(server) != snap or again.returncode != 0:
                problems.append("the second run changed the mailbox")
            single = _end_state(server)
        finally:
            server.stop()

        server = imap_server.start()
        try:
            for mail in built:
                server.deliver(mail.raw)
            state = tmp / "b.sqlite"
            t0 = time.perf_counter()
            run = _inbox(server, state, "--jobs", str(args.jobs))
            while _filed(state) < len(built) // 2 and run.poll() is None:
                time.sleep(0.05)
            run.kill()
            run.communicate()
            killed_at = _filed(state)
            resumed = _inbox(server, state)
            resumed.communicate()
            total = time.perf_counter() - t0
            print(f"killed after {killed_at} filed, resumed: {total:.1f} s in all, "
                  f"exit {resumed.returncode}")
            if _end_state(server) != single:
                problems.append("killed and resumed: end state differs from the single run")
        finally:
            server.stop()
    for line in problems:
        print("PROBLEM:", line)
    print("same end state, nothing twice" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
