"""A throw-away Dovecot IMAP server on loopback, for the mailbox tests.

Starts Debian's ``dovecot`` (package ``dovecot-imapd``) in the foreground with its own config,
Maildir, passwd-file user and a self-signed certificate made here with ``openssl``; nothing is
written outside its temporary folder. As an ordinary user Dovecot runs entirely under that
user; as root (CI) its login and internal processes use Debian's ``dovenull``/``dovecot``
users and the mail belongs to ``nobody``, because Dovecot refuses to run those as root.

If Dovecot cannot start, :func:`start` raises: a test must fail then, not skip.
"""

from __future__ import annotations

import email
import email.policy
import grp
import imaplib
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from formgen.check.inbox.connection import decode_utf7

USER, PASSWORD = "klantenservice", "test-wachtwoord-1"


def free_ports(count: int) -> list[int]:
    """count ports free on 127.0.0.1, all different: the sockets are held open together while
    the ports are chosen (one at a time, the system may hand out the port it just took back,
    and Dovecot refuses two listeners on one port)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Dovecot:
    root: Path
    imap_port: int
    imaps_port: int
    process: subprocess.Popen[bytes]

    @property
    def cafile(self) -> Path:
        return self.root / "cert.pem"

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for `formgen inbox` against this server (STARTTLS, our certificate)."""
        env = dict(os.environ)
        env.update(FORMGEN_IMAP_HOST="127.0.0.1", FORMGEN_IMAP_USER=USER,
                   FORMGEN_IMAP_PASSWORD=PASSWORD, FORMGEN_IMAP_CAFILE=str(self.cafile))
        env.update(extra)
        return env

    def client(self) -> imaplib.IMAP4:
        """A plain-imaplib session for the test's own looking (independent of formgen)."""
        imap = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=30)
        imap.starttls(ssl.create_default_context(cafile=str(self.cafile)))
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        imap = self.client()
        try:
            typ, data = imap.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            imap.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = formgen-test-{imap_port}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


def start(timeout: float = 20.0) -> Dovecot:
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(binary).exists():
        raise RuntimeError("dovecot is not installed (Debian package dovecot-imapd; "
                           "scripts/system-packages.sh installs it)")
    root = Path(tempfile.mkdtemp(prefix="formgen-dovecot-", dir="/tmp"))
    root.chmod(0o755)  # Dovecot's own users must reach the sockets in run/
    if os.geteuid() == 0:
        login_user, internal_user, internal_group = "dovenull", "dovecot", "dovecot"
        uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    else:
        me = pwd.getpwuid(os.geteuid())
        login_user = internal_user = me.pw_name
        internal_group = grp.getgrgid(os.getegid()).gr_name
        uid, gid = os.geteuid(), os.getegid()
    home = root / "mail" / USER
    home.mkdir(parents=True)
    if os.geteuid() == 0:
        for path in (root / "mail", home):
            os.chown(path, uid, gid)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{home}::\n")
    imap_port, imaps_port = free_ports(2)
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, imap_port=imap_port, imaps_port=imaps_port, login_user=login_user,
        internal_user=internal_user, internal_group=internal_group, uid=uid, gid=gid))
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Dovecot(root, imap_port, imaps_port, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            log = server.log
            server.stop()
            raise RuntimeError(f"dovecot stopped at start: {output} {log}")
        try:
            server.client().logout()
            return server
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.2)
    log = server.log
    server.stop()
    raise RuntimeError(f"dovecot did not answer within {timeout} s: {log}")


def snapshot(server: Dovecot) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Every folder: (Message-ID, In-Reply-To, flags) of each message, sorted."""
    imap = server.client()
    try:
        _, listing = imap.list('""', "*")
        names = []
        for line in listing:
            m = re.match(rb'\(([^)]*)\) "." (.*)$', line)
            assert m, line
            if b"\\Noselect" not in m[1]:
                names.append(decode_utf7(m[2].strip(b'"')))
        state = {}
        for name in sorted(names):
            typ, count = imap.select(f'"{name}"', readonly=True)
            assert typ == "OK"
            if count[0] == b"0":
                state[name] = []
                continue
            _, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO)])")
            items = []
            for item in data:
                if isinstance(item, tuple):
                    flags = re.search(rb"FLAGS \(([^)]*)\)", item[0])
                    head = email.message_from_bytes(item[1])
                    words = (flags[1].decode() if flags else "").split()
                    items.append((str(head["Message-ID"]), str(head["In-Reply-To"] or ""),
                                  tuple(sorted(w for w in words if w != "\\Recent"))))
            state[name] = sorted(items)
        return state
    finally:
        imap.logout()


def drafts(server: Dovecot) -> list[email.message.Message]:
    imap = server.client()
    try:
        _, count = imap.select("Drafts", readonly=True)
        if count[0] == b"0":
            return []
        _, data = imap.fetch("1:*", "(BODY.PEEK[])")
        return [email.message_from_bytes(i[1], policy=email.policy.default)
                for i in data if isinstance(i, tuple)]
    finally:
        imap.logout()
