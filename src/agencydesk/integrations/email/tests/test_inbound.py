"""Mail read from a real Dovecot: deduplicated, threaded, sender → contact → client, triage."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencydesk.integrations.email.choices import InboundState
from agencydesk.integrations.email.models import InboundEmail, Mailbox
from agencydesk.integrations.email.poller import lease_take, mailbox_poll
from agencydesk.integrations.email.tests.mails import mail
from agencydesk.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db(transaction=False)


def test_mail_of_a_contact_lands_in_the_clients_timeline_and_api(
    mailbox, dovecot, client_acme, am, api
):
    dovecot.deliver(mail(message_id="m1@acme.test"))
    assert mailbox_poll(mailbox=mailbox) == 1
    message = Message.objects.get(client=client_acme)
    assert message.channel == "email"
    assert message.direction == "in"
    assert message.needs_response is True
    assert message.author_contact.email == "gromov@acme.test"
    assert message.conversation.title == "Макет баннера"
    assert message.commitments.filter(kind="first_response").exists()
    body = api(am).get(f"/api/v1/clients/{client_acme.pk}/messages").json()
    assert body["items"][0]["channel"] == "email"
    assert body["items"][0]["needs_response"] is True
    assert body["items"][0]["conversation"] == message.conversation_id


def _api(user):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(user)
    return http


def test_the_same_mail_twice_is_stored_once(mailbox, dovecot, client_acme):
    raw = mail(message_id="dup@acme.test")
    dovecot.deliver(raw, raw)
    assert mailbox_poll(mailbox=mailbox) == 1
    assert InboundEmail.objects.count() == 1
    assert Message.objects.filter(channel="email").count() == 1
    # A poll that reads nothing new changes nothing.
    mailbox.refresh_from_db()
    assert mailbox_poll(mailbox=mailbox) == 0


def test_replies_join_their_thread_and_a_staff_reply_from_a_mail_program_too(
    mailbox, dovecot, client_acme, am
):
    am.email = "olga@agency.test"
    am.save()
    dovecot.deliver(
        mail(message_id="root@acme.test"),
        mail(
            message_id="staff@agency.test",
            sender="Olga <olga@agency.test>",
            to="gromov@acme.test",
            subject="Re: Макет баннера",
            body="Посмотрели, правки завтра.",
            in_reply_to="root@acme.test",
            references="<root@acme.test>",
        ),
        mail(
            message_id="again@acme.test",
            subject="Re: Макет баннера",
            body="Спасибо!",
            in_reply_to="staff@agency.test",
            references="<root@acme.test> <staff@agency.test>",
        ),
    )
    mailbox_poll(mailbox=mailbox)
    assert Conversation.objects.filter(client=client_acme, channel="email").count() == 1
    staff = Message.objects.get(external_id="staff@agency.test")
    assert staff.direction == "out"
    assert staff.author_user == am
    # The staff reply answered the client: its reply timer is met.
    first = Message.objects.get(external_id="root@acme.test").commitments.get(kind="first_response")
    assert first.state == "met"


def test_same_subject_alone_never_threads_and_newsletter_replies_stay_apart(
    mailbox, dovecot, client_acme
):
    from agencydesk.clients.tests.factories import ContactFactory

    ContactFactory(client=client_acme, name="Мария", email="maria@acme.test")
    dovecot.deliver(
        mail(
            message_id="a@acme.test",
            subject="Новости агентства",
            references="<news-1@agency.test>",
            in_reply_to="news-1@agency.test",
        ),
        mail(
            message_id="b@acme.test",
            sender="maria@acme.test",
            subject="Новости агентства",
            in_reply_to="news-1@agency.test",
            references="<news-1@agency.test>",
        ),
        mail(message_id="c@acme.test", subject="Новости агентства"),
    )
    mailbox_poll(mailbox=mailbox)
    assert Conversation.objects.filter(client=client_acme, channel="email").count() == 3


def test_our_marker_threads_a_reply_that_lost_its_headers(mailbox, dovecot, client_acme):
    from agencydesk.integrations.email.inbound import thread_marker

    dovecot.deliver(mail(message_id="first@acme.test"))
    mailbox_poll(mailbox=mailbox)
    conversation = Conversation.objects.get(client=client_acme, channel="email")
    dovecot.deliver(
        mail(message_id="later@acme.test", subject=f"Ответ {thread_marker(conversation)}")
    )
    mailbox.refresh_from_db()
    mailbox_poll(mailbox=mailbox)
    assert Message.objects.get(external_id="later@acme.test").conversation == conversation
    # A forged marker (wrong signature) is no marker.
    dovecot.deliver(mail(message_id="forged@acme.test", subject=f"[AD-{conversation.pk}-deadbeef]"))
    mailbox.refresh_from_db()
    mailbox_poll(mailbox=mailbox)
    assert Message.objects.get(external_id="forged@acme.test").conversation != conversation


def test_unknown_sender_is_kept_for_triage_and_assigned_later(
    mailbox, dovecot, client_acme, director
):
    dovecot.deliver(mail(message_id="x1@new.test", sender="Пётр <petr@new.test>"))
    mailbox_poll(mailbox=mailbox)
    kept = InboundEmail.objects.get()
    assert kept.state == InboundState.UNKNOWN
    assert not Message.objects.filter(channel="email").exists()
    http = _api(director)
    page = http.get(reverse("email:triage"))
    assert "petr@new.test" in page.content.decode()
    answer = http.post(reverse("email:assign", args=[kept.pk]), {"client": client_acme.pk})
    assert answer.status_code == 302
    kept.refresh_from_db()
    assert kept.state == InboundState.RECORDED
    assert kept.record.author_contact.email == "petr@new.test"
    from agencydesk.core.models import AuditLog

    row = AuditLog.objects.get(action="email.sender_assign")
    assert (row.actor, row.client_id) == (director, client_acme.pk)
    assert row.changes == {"address": "petr@new.test", "contact_created": True, "recorded": 1}


def test_triage_and_corrections_are_audited(mailbox, dovecot, client_acme, director, am):
    from django.utils import timezone

    from agencydesk.core.models import AuditLog
    from agencydesk.integrations.email.inbound import (
        sender_classification_set,
        suppression_clear,
        unknown_sender_dismiss,
    )
    from agencydesk.integrations.email.models import Suppression

    dovecot.deliver(mail(message_id="s1@spam.test", sender="Spam <offers@spam.test>"))
    dovecot.deliver(mail(message_id="s2@spam.test", sender="Spam <offers@spam.test>"))
    mailbox_poll(mailbox=mailbox)
    first = InboundEmail.objects.order_by("pk").first()
    assert unknown_sender_dismiss(email=first, by=director, at=timezone.now()) == 2
    row = AuditLog.objects.get(action="email.sender_dismiss")
    assert row.actor == director and row.changes == {"address": "offers@spam.test", "dismissed": 2}

    sender_classification_set(
        address="Robot@Acme.test", classification="auto_reply", by=am, at=timezone.now()
    )
    sender_classification_set(
        address="robot@acme.test", classification="human", by=am, at=timezone.now(),
        client_id=client_acme.pk,
    )  # fmt: skip
    rows = AuditLog.objects.filter(action="email.sender_rule").order_by("pk")
    assert [r.changes["classification"] for r in rows] == [
        [None, "auto_reply"],
        ["auto_reply", "human"],
    ]
    assert rows.last().client_id == client_acme.pk

    failing = Suppression.objects.create(
        address="old@acme.test", reason="550 no such user", contact=client_acme.contacts.first(),
        created_at=timezone.now(),
    )  # fmt: skip
    assert suppression_clear(suppression=failing, by=am, at=timezone.now())
    row = AuditLog.objects.get(action="email.suppression_clear")
    assert (row.actor, row.client_id) == (am, client_acme.pk)
    assert row.changes == {"address": "old@acme.test", "reason": "550 no such user"}
    assert not Suppression.objects.exists()


def test_a_second_poller_waits_while_the_first_holds_the_lease(mailbox, dovecot, client_acme):
    from django.utils import timezone

    assert lease_take(mailbox_pk=mailbox.pk, owner="worker-1", now=timezone.now())
    dovecot.deliver(mail(message_id="m1@acme.test"))
    assert mailbox_poll(mailbox=mailbox, owner="worker-2") is None
    assert not InboundEmail.objects.exists()
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=None)
    assert mailbox_poll(mailbox=mailbox, owner="worker-2") == 1


def test_the_desks_clock_polls_a_mailbox_due_and_not_again_within_the_minute(
    mailbox, dovecot, client_acme
):
    from django.utils import timezone

    from agencydesk.integrations.email.tasks import email_tick

    dovecot.deliver(mail(message_id="tick@acme.test"))
    assert email_tick(now=timezone.now()) == {"mailboxes_polled": 1}
    assert InboundEmail.objects.filter(message_id="tick@acme.test").exists()
    assert email_tick(now=timezone.now()) == {"mailboxes_polled": 0}


def _until(condition, seconds: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_idle_reads_new_mail_the_moment_it_arrives_and_holds_the_mailbox(
    mailbox, dovecot, client_acme
):
    """``agencydesk email poll`` waits in IMAP IDLE: mail is read at once, not at the next poll."""
    import threading
    import time

    from agencydesk.integrations.email.poller import MailboxWatch

    watch = MailboxWatch(mailbox.pk, owner="watch", idle_wait=30, interval=30)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()
    try:
        assert _until(watch.idling.is_set), "the watch never entered IDLE"
        # The workers' clock leaves a watched mailbox alone.
        assert mailbox_poll(mailbox=mailbox, owner="worker") is None
        for n, message_id in enumerate(["idle@acme.test", "idle-2@acme.test"], start=2):
            sent = time.monotonic()
            dovecot.deliver(mail(message_id=message_id))
            # Woken by the server, it reads the mail and waits in IDLE again (the database is
            # read here only while the watch waits: one in-memory SQLite, one writer at a time).
            assert _until(lambda n=n: watch.rounds >= n and watch.idling.is_set())
            # Far sooner than the 30 s the watch would otherwise wait.
            assert time.monotonic() - sent < 10
            assert InboundEmail.objects.filter(message_id=message_id).exists()
    finally:
        watch.stop()
        thread.join(timeout=10)
    assert not thread.is_alive(), "stop() must cut the IDLE wait short"
    mailbox.refresh_from_db()
    assert mailbox.lease_owner == "" and mailbox.last_error == ""
    assert InboundEmail.objects.count() == 2
