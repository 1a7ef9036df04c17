"""Polling the mailboxes over IMAP: one poller per mailbox at a time, however many workers run.

A poller takes a mailbox's lease with one conditional UPDATE (the row's
``lease_owner``/``lease_until``); a worker that dies leaves a lease that runs
out by itself. New mail is read by UID above the last one stored, one message
at a time: each is stored (deduplicated by Message-ID) and the mailbox's
``last_uid`` moves after it, so a poller killed at any point loses nothing and
stores nothing twice. Messages are read with ``BODY.PEEK[]``: the mailbox's
own "unread" flags stay as they were for the people who read it.
``agencydesk email poll`` keeps a connection per mailbox waiting in IMAP IDLE
(:class:`MailboxWatch`), so mail is read as it arrives.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
import uuid
from datetime import datetime, timedelta

from django import db
from django.db.models import Q
from django.utils import timezone

from agencydesk.integrations.email.connections import imap_open
from agencydesk.integrations.email.inbound import email_store
from agencydesk.integrations.email.models import Mailbox

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
POLL_EVERY = timedelta(seconds=60)
BATCH = 200  # messages per poll of one mailbox; the next poll goes on
_UID = re.compile(rb"UID (\d+)")


def lease_take(*, mailbox_pk: int, owner: str, now: datetime) -> bool:
    """Take (or extend) the mailbox's lease; False when another poller holds it."""
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    return bool(
        Mailbox.objects.filter(Q(pk=mailbox_pk, is_active=True) & free).update(
            lease_owner=owner, lease_until=now + LEASE
        )
    )


def lease_release(*, mailbox_pk: int, owner: str) -> None:
    Mailbox.objects.filter(pk=mailbox_pk, lease_owner=owner).update(
        lease_owner="", lease_until=None
    )


def _fetch(box, uid: int) -> bytes | None:
    typ, data = box.client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and _UID.search(item[0]):
            return bytes(item[1])
    return None


def _read_new(box, mailbox: Mailbox, owner: str, limit: int) -> int:
    """Store what arrived since the mailbox's last UID, over an open connection; the number stored.

    Stops early when the lease ran out and another poller took the mailbox: it goes on.
    """
    stored = 0
    status = box.folder.status(mailbox.imap_folder, ["UIDVALIDITY"])
    validity = int(status.get("UIDVALIDITY", 0))
    last = mailbox.last_uid if validity == mailbox.uidvalidity else 0
    if validity != mailbox.uidvalidity:
        # A new UID space (the folder was recreated): read it all again; Message-IDs dedupe.
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=validity, last_uid=0)
        mailbox.uidvalidity, mailbox.last_uid = validity, 0
    uids = sorted(int(u) for u in box.uids(f"UID {last + 1}:*") if int(u) > last)
    for uid in uids[:limit]:
        if not lease_take(mailbox_pk=mailbox.pk, owner=owner, now=timezone.now()):
            break
        raw = _fetch(box, uid)
        if raw is not None:
            stored += email_store(mailbox=mailbox, raw=raw, uid=uid, at=timezone.now()).created
        Mailbox.objects.filter(pk=mailbox.pk, lease_owner=owner).update(last_uid=uid)
        mailbox.last_uid = uid
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error="")
    return stored


def _failed(mailbox: Mailbox, exc: Exception) -> None:
    logger.warning("mailbox %s: %s", mailbox.name, type(exc).__name__)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"[:500]
    )


def mailbox_poll(*, mailbox: Mailbox, owner: str | None = None, limit: int = BATCH) -> int | None:
    """Store the mailbox's new mail; the number stored, or None if another poller has the lease."""
    owner = owner or uuid.uuid4().hex
    if not lease_take(mailbox_pk=mailbox.pk, owner=owner, now=timezone.now()):
        return None
    stored = 0
    try:
        box = imap_open(mailbox)
        try:
            stored = _read_new(box, mailbox, owner, limit)
        finally:
            with contextlib.suppress(Exception):  # the connection is gone already
                box.logout()
    except Exception as exc:
        _failed(mailbox, exc)
    finally:
        lease_release(mailbox_pk=mailbox.pk, owner=owner)
    return stored


class MailboxWatch:
    """One mailbox watched over one connection by ``agencydesk email poll``.

    Where the server offers IMAP IDLE (RFC 2177) the connection waits in IDLE and
    new mail is read the moment the server announces it; every ``idle_wait``
    seconds (well inside the lease and the RFC's 29 minutes) it leaves IDLE, renews
    the lease and reads anyway. A server without IDLE is read every ``interval``.
    The watch holds the mailbox's lease the whole time, so the workers' clock
    leaves this mailbox to it; if it dies, the lease runs out and they take over.
    """

    def __init__(
        self, mailbox_pk: int, *, owner: str, idle_wait: float = 60.0, interval: float = 30.0
    ) -> None:
        self.mailbox_pk, self.owner = mailbox_pk, owner
        self.idle_wait, self.interval = idle_wait, interval
        self.stopping = threading.Event()
        self.idling = threading.Event()  # set while the connection waits in IDLE
        self.rounds = 0  # IDLE waits entered, each after reading what had arrived
        self._box = None

    def stop(self) -> None:
        """End the watch: an IDLE wait in progress is cut short."""
        self.stopping.set()
        box = self._box
        if box is not None:
            with contextlib.suppress(OSError):
                box.client.sock.shutdown(socket.SHUT_RDWR)

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                mailbox = Mailbox.objects.filter(pk=self.mailbox_pk, is_active=True).first()
                if mailbox is None:
                    return
                if not lease_take(mailbox_pk=mailbox.pk, owner=self.owner, now=timezone.now()):
                    self.stopping.wait(self.interval)  # another poller has it
                    continue
                try:
                    self._watch(mailbox)
                except Exception as exc:
                    if not self.stopping.is_set():
                        _failed(mailbox, exc)
                        self.stopping.wait(self.interval)
                finally:
                    lease_release(mailbox_pk=mailbox.pk, owner=self.owner)
        finally:
            db.connection.close()  # this thread's own database connection

    def _watch(self, mailbox: Mailbox) -> None:
        box = imap_open(mailbox)
        self._box = box
        try:
            idle = "IDLE" in box.client.capabilities
            while not self.stopping.is_set():
                if not lease_take(mailbox_pk=mailbox.pk, owner=self.owner, now=timezone.now()):
                    return
                if _read_new(box, mailbox, self.owner, BATCH) >= BATCH:
                    continue  # more is waiting
                if not idle:
                    self.stopping.wait(self.interval)
                    continue
                self.rounds += 1
                self.idling.set()
                try:
                    box.idle.wait(timeout=self.idle_wait)
                finally:
                    self.idling.clear()
        finally:
            self._box = None
            with contextlib.suppress(Exception):
                box.logout()


def poll_all(*, owner: str | None = None) -> dict[str, int]:
    """Poll every active mailbox once; ``busy``: those another poller had."""
    counts = {"stored": 0, "busy": 0}
    for mailbox in Mailbox.objects.filter(is_active=True).order_by("pk"):
        result = mailbox_poll(mailbox=mailbox, owner=owner)
        if result is None:
            counts["busy"] += 1
        else:
            counts["stored"] += result
    return counts


def poll_forever(*, once: bool, interval: float = 30.0) -> int:
    """``agencydesk email poll``: every mailbox, once or until stopped (Ctrl+C).

    Until stopped, each active mailbox has a :class:`MailboxWatch` of its own (a
    thread: IDLE waits on its connection); a mailbox added later is picked up
    within ``interval``.
    """
    owner = uuid.uuid4().hex
    if once:
        logger.info("e-mail poll: %s", poll_all(owner=owner))
        return 0
    watches: dict[int, tuple[MailboxWatch, threading.Thread]] = {}
    try:
        while True:
            for pk in Mailbox.objects.filter(is_active=True).values_list("pk", flat=True):
                if pk in watches and watches[pk][1].is_alive():
                    continue
                watch = MailboxWatch(pk, owner=owner, interval=interval)
                thread = threading.Thread(target=watch.run, name=f"mailbox-{pk}", daemon=True)
                thread.start()
                watches[pk] = (watch, thread)
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0
    finally:
        for watch, thread in watches.values():
            watch.stop()
            thread.join(timeout=10)
