"""Polling the mailboxes over IMAP: one poller per mailbox at a time, however many workers run.

A poller takes a mailbox's lease with one conditional UPDATE (the row's
``lease_owner``/``lease_until``); a worker that dies leaves a lease that runs
out by itself. New mail is read by UID above the last one stored, one message
at a time: each is stored (deduplicated by Message-ID) and the mailbox's
``last_uid`` moves after it, so a poller killed at any point loses nothing and
stores nothing twice. Messages are read with ``BODY.PEEK[]``: the mailbox's
own "unread" flags stay as they were for the people who read it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from datetime import datetime, timedelta

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


def mailbox_poll(*, mailbox: Mailbox, owner: str | None = None, limit: int = BATCH) -> int | None:
    """Store the mailbox's new mail; the number stored, or None if another poller has the lease."""
    owner = owner or uuid.uuid4().hex
    if not lease_take(mailbox_pk=mailbox.pk, owner=owner, now=timezone.now()):
        return None
    stored = 0
    try:
        box = imap_open(mailbox)
        try:
            status = box.folder.status(mailbox.imap_folder, ["UIDVALIDITY"])
            validity = int(status.get("UIDVALIDITY", 0))
            last = mailbox.last_uid if validity == mailbox.uidvalidity else 0
            if validity != mailbox.uidvalidity:
                # A new UID space (the folder was recreated): read it all again; Message-IDs dedupe.
                Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=validity, last_uid=0)
            uids = sorted(int(u) for u in box.uids(f"UID {last + 1}:*") if int(u) > last)
            for uid in uids[:limit]:
                if not lease_take(mailbox_pk=mailbox.pk, owner=owner, now=timezone.now()):
                    break  # our lease ran out and another poller took it: it goes on
                raw = _fetch(box, uid)
                if raw is not None:
                    stored += email_store(
                        mailbox=mailbox, raw=raw, uid=uid, at=timezone.now()
                    ).created
                Mailbox.objects.filter(pk=mailbox.pk, lease_owner=owner).update(last_uid=uid)
        finally:
            with contextlib.suppress(Exception):  # the connection is gone already
                box.logout()
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error="")
    except Exception as exc:
        logger.warning("mailbox %s: %s", mailbox.name, type(exc).__name__)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
    finally:
        lease_release(mailbox_pk=mailbox.pk, owner=owner)
    return stored


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
    """``agencydesk email poll``: every mailbox, once or until stopped (Ctrl+C)."""
    owner = uuid.uuid4().hex
    while True:
        counts = poll_all(owner=owner)
        logger.info("e-mail poll: %s", counts)
        if once:
            return 0
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return 0
