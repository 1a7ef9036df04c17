"""A throw-away Dovecot IMAP server and an aiosmtpd SMTP server on 127.0.0.1, for the tests and benches.

Nothing of the system's own Dovecot is read or changed: the configuration, the
mail directory and the passwd-file user live in a temporary folder, and the
server listens on a free port of 127.0.0.1 only.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "desk@agency.test"
PASSWORD = "imap-test-Secret-7fq2"  # noqa: S105 (a throw-away test server's)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT)


@dataclass
class Dovecot:
    """A running Dovecot with one user; :meth:`deliver` puts mail into its INBOX by IMAP APPEND."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]
    user: str = USER
    password: str = PASSWORD

    def imap(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def deliver(self, *raws: bytes) -> None:
        conn = self.imap()
        try:
            for raw in raws:
                typ, data = conn.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
                assert typ == "OK", data
        finally:
            conn.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def dovecot_start() -> Dovecot:
    root = Path(tempfile.mkdtemp(prefix="agencydesk-dovecot-"))
    port = free_port()
    uid, gid = os.getuid(), os.getgid()
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    if uid == 0:
        # Dovecot never runs a mail process as root: the mail belongs to its own system user.
        import pwd

        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
        os.chown(root / "mail", uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    as_root = os.getuid() == 0
    login_user = "dovenull" if as_root else _user_name(uid)
    internal_user = "dovecot" if as_root else _user_name(uid)
    config = f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
    (root / "dovecot.conf").write_text(config)
    os.chmod(root, 0o755)  # noqa: S103 (Dovecot's own users read the folder)
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = (process.stderr.read() if process.stderr else b"").decode(errors="replace")
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"dovecot did not start: {err} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    server = Dovecot(root=root, port=port, process=process)
    try:
        server.imap().logout()
    except Exception:
        server.stop()  # never leave a server running that the tests cannot use
        raise
    return server


def _user_name(uid: int) -> str:
    import pwd

    return pwd.getpwuid(uid).pw_name


@dataclass
class SmtpSink:
    """An aiosmtpd server that keeps every message it accepts (``messages``: the raw bytes)."""

    port: int
    controller: object
    messages: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    def parsed(self):
        return [message_from_bytes(m, policy=policy.default) for m in self.messages]

    def stop(self) -> None:
        self.controller.stop()  # type: ignore[attr-defined]


def smtp_start() -> SmtpSink:
    from aiosmtpd.controller import Controller

    sink: SmtpSink

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            sink.messages.append(bytes(envelope.original_content or envelope.content))
            sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    sink = SmtpSink(port=port, controller=controller)
    return sink
