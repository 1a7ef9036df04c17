"""1,000 mails in 50 threads, read while the poller is killed twice: each stored once, every thread right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count

from agencydesk.integrations.email import poller
from agencydesk.integrations.email.models import InboundEmail, Mailbox
from agencydesk.integrations.email.tests.mails import WHEN, mail
from agencydesk.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db

THREADS, PER_THREAD = 50, 20


class Killed(BaseException):
    """The process died: nothing after this point runs, not even ``finally`` clean-ups we skip."""


def _thread_mails():
    raws = []
    for t in range(THREADS):
        ids: list[str] = []
        for n in range(PER_THREAD):
            mid = f"t{t}-m{n}@acme.test"
            raws.append(
                mail(
                    message_id=mid,
                    subject="Re: Договор" if n else "Договор",  # one subject for all: never threads
                    body=f"Сообщение {n} ветки {t}",
                    in_reply_to=ids[-1] if ids else "",
                    references=" ".join(f"<{i}>" for i in ids[-5:]),
                    when=WHEN + timedelta(minutes=t * PER_THREAD + n),
                )
            )
            ids.append(mid)
    return raws


def test_a_thousand_mails_with_the_poller_killed_twice(mailbox, dovecot, client_acme, monkeypatch):
    dovecot.deliver(*_thread_mails())
    real_store = poller.email_store
    real_release = poller.lease_release
    kills = {"at": [137, 611], "seen": 0}

    def dying_store(**kwargs):
        stored = real_store(**kwargs)
        kills["seen"] += 1
        if kills["at"] and kills["seen"] == kills["at"][0]:
            kills["at"].pop(0)
            # Killed after the mail was stored and before its UID was noted: the worst moment.
            monkeypatch.setattr(poller, "lease_release", lambda **kw: None)
            raise Killed
        return stored

    monkeypatch.setattr(poller, "email_store", dying_store)
    deaths = 0
    for _round in range(20):
        box = Mailbox.objects.get(pk=mailbox.pk)
        try:
            result = poller.mailbox_poll(mailbox=box, owner=f"worker-{deaths}")
        except Killed:
            deaths += 1
            monkeypatch.setattr(poller, "lease_release", real_release)
            # A second worker finds the dead one's lease and waits until it runs out.
            assert poller.mailbox_poll(mailbox=box, owner="impatient") is None
            Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=WHEN - timedelta(days=1))
            continue
        if result == 0:
            break
    assert deaths == 2
    assert InboundEmail.objects.count() == THREADS * PER_THREAD
    assert Message.objects.filter(channel="email").count() == THREADS * PER_THREAD
    conversations = Conversation.objects.filter(client=client_acme, channel="email").annotate(
        n=Count("messages")
    )
    assert conversations.count() == THREADS
    assert {c.n for c in conversations} == {PER_THREAD}
    for conversation in conversations:
        threads = {
            m.split("-")[0] for m in conversation.messages.values_list("external_id", flat=True)
        }
        assert len(threads) == 1
