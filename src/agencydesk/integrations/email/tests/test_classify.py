"""Auto-replies and bounces are recognised and never count as a client's answer."""

from __future__ import annotations

from datetime import date

import pytest

from agencydesk.integrations.email.choices import Classification, InboundState
from agencydesk.integrations.email.inbound import email_store, sender_classification_set
from agencydesk.integrations.email.models import InboundEmail
from agencydesk.integrations.email.tests.mails import WHEN, mail
from agencydesk.messaging.models import Message

pytestmark = pytest.mark.django_db

GMAIL = {"Auto-Submitted": "auto-replied", "Precedence": "bulk"}
OUTLOOK = {
    "X-Auto-Response-Suppress": "All",
    "X-MS-Exchange-Inbox-Rules-Loop": "gromov@acme.test",
    "Thread-Topic": "Макет баннера",
}
YANDEX = {"X-Autoreply": "yes", "Auto-Submitted": "auto-replied"}
MAILRU = {"X-Autorespond": "Re: Макет баннера", "Precedence": "auto_reply"}


def _store(box, raw):
    return email_store(mailbox=box, raw=raw, uid=None, at=WHEN).email


@pytest.mark.parametrize(
    ("headers", "subject", "body", "expected"),
    [
        (GMAIL, "Out of Office", "I am away until 20.03.2026.", Classification.OUT_OF_OFFICE),
        (
            OUTLOOK,
            "Automatic reply: Макет баннера",
            "Нет на месте до 2026-03-16",
            Classification.OUT_OF_OFFICE,
        ),
        (
            YANDEX,
            "Автоответ: Макет баннера",
            "Спасибо, письмо получено.",
            Classification.AUTO_REPLY,
        ),
        (MAILRU, "Re: Макет баннера", "Ваше письмо получено.", Classification.AUTO_REPLY),
        ({"Return-Path": "<>"}, "Re: x", "Received.", Classification.AUTO_REPLY),
        (
            {"Precedence": "list", "List-Id": "<news.acme.test>"},
            "Digest",
            "News",
            Classification.BULK,
        ),
        (
            {"List-Unsubscribe": "<mailto:u@acme.test>", "List-Id": "<promo.acme.test>"},
            "Promo",
            "Sale",
            Classification.BULK,
        ),
        ({"Auto-Submitted": "no"}, "Вопрос", "Когда будет макет?", Classification.HUMAN),
    ],
)
def test_machine_mail_of_every_shape_is_classified_and_opens_no_timer(
    plain_mailbox, client_acme, headers, subject, body, expected
):
    email = _store(
        plain_mailbox,
        mail(message_id="auto@acme.test", subject=subject, body=body, headers=headers),
    )
    assert email.classification == expected
    message = email.record
    assert message is not None
    if expected == Classification.HUMAN:
        assert message.needs_response
        assert message.commitments.filter(kind="first_response").exists()
    else:
        assert message.needs_response is False
        assert message.kind == "event"
        assert not message.commitments.exists()


def test_out_of_office_keeps_its_return_date(plain_mailbox, client_acme):
    email = _store(
        plain_mailbox,
        mail(
            message_id="ooo@acme.test",
            subject="Out of Office",
            body="Back on 20.03.2026.",
            headers=GMAIL,
        ),
    )
    assert email.return_date == date(2026, 3, 20)


def test_an_auto_reply_never_answers_a_follow_up(plain_mailbox, client_acme, am):
    from agencydesk.messaging.services import message_send

    outbox = message_send(
        client=client_acme, text="Ждём ваш ответ", by=am, at=WHEN, awaiting_client=True
    )
    follow_up = outbox.message.commitments.get(kind="follow_up")
    _store(plain_mailbox, mail(message_id="ooo2@acme.test", subject="Автоответ", headers=YANDEX))
    follow_up.refresh_from_db()
    assert follow_up.state in ("open", "due")


def test_follow_ups_wait_for_the_return_date_of_an_out_of_office(plain_mailbox, client_acme, am):
    from agencydesk.messaging.services import message_send

    outbox = message_send(
        client=client_acme, text="Ждём ответ", by=am, at=WHEN, awaiting_client=True
    )
    follow_up = outbox.message.commitments.get(kind="follow_up")
    _store(
        plain_mailbox,
        mail(
            message_id="away@acme.test",
            subject="Out of Office",
            body="Back on 20.03.2026.",
            headers=GMAIL,
        ),
    )
    follow_up.refresh_from_db()
    assert follow_up.visible_from.date() >= date(2026, 3, 20)


def test_our_own_message_coming_back_is_a_loop(plain_mailbox, client_acme, am):
    from agencydesk.integrations.email.adapter import build
    from agencydesk.messaging.services import message_send

    outbox = message_send(client=client_acme, text="Привет", by=am, at=WHEN)
    _mail, send = build(outbox, plain_mailbox, at=WHEN)
    send.save()
    email = _store(plain_mailbox, mail(message_id=send.message_id))
    assert email.classification == Classification.LOOP
    assert email.state == InboundState.IGNORED
    assert email.record is None


def test_a_bounce_fails_our_message_and_stops_mail_to_the_address(plain_mailbox, client_acme, am):
    from agencydesk.integrations.email.adapter import EmailAdapter, build
    from agencydesk.integrations.email.models import Suppression
    from agencydesk.integrations.email.tests.mails import dsn
    from agencydesk.messaging.services import message_send
    from agencydesk.outbox.adapters import PermanentFailure

    outbox = message_send(client=client_acme, text="Договор во вложении", by=am, at=WHEN)
    _mail, send = build(outbox, plain_mailbox, at=WHEN)
    send.outcome = "sent"
    send.save()
    type(outbox).objects.filter(pk=outbox.pk).update(state="sent")
    email = _store(plain_mailbox, dsn(bounced_id=send.message_id, recipient="gromov@acme.test"))
    assert email.classification == Classification.BOUNCE
    assert email.state == InboundState.BOUNCE
    assert email.bounce_of == send
    outbox.refresh_from_db()
    assert outbox.state == "failed"
    assert "gromov@acme.test" in outbox.last_error
    line = Message.objects.get(external_id="dsn-1@mx.test")
    assert line.kind == "event" and "5.1.1" in line.text
    assert line.conversation == outbox.message.conversation
    assert Suppression.objects.filter(address="gromov@acme.test").exists()
    # The next message to that address is refused before anything is sent.
    later = message_send(client=client_acme, text="Ещё раз", by=am, at=WHEN)
    with pytest.raises(PermanentFailure, match="bounced for good"):
        EmailAdapter().send(later)


def test_a_correction_per_sender_is_remembered(plain_mailbox, client_acme, am):
    first = _store(plain_mailbox, mail(message_id="r1@acme.test", headers={"Precedence": "bulk"}))
    assert first.classification == Classification.BULK
    sender_classification_set(
        address="gromov@acme.test", classification=Classification.HUMAN, by=am, at=WHEN
    )
    later = _store(plain_mailbox, mail(message_id="r2@acme.test", headers={"Precedence": "bulk"}))
    assert later.classification == Classification.HUMAN
    assert later.record.needs_response
    assert InboundEmail.objects.get(pk=first.pk).classification == Classification.HUMAN


def test_the_correction_page_is_for_who_may_see_the_client(plain_mailbox, client_acme, am, client):
    from django.urls import reverse

    from agencydesk.accounts.tests.factories import UserFactory

    email = _store(plain_mailbox, mail(message_id="r3@acme.test", headers={"Precedence": "bulk"}))
    url = reverse("email:classification", args=[email.record_id])
    outsider = UserFactory(username="outsider", role="account_manager")
    from agencydesk.clients.models import Client

    Client.objects.filter(pk=client_acme.pk).update(confidential=True)
    client.force_login(outsider)
    assert client.post(url, {"classification": "human"}).status_code == 404
    client.force_login(am)
    assert client.post(url, {"classification": "human"}).status_code == 302


def test_the_timeline_shows_the_classification_and_the_folded_quote(
    plain_mailbox, client_acme, am, client, django_assert_max_num_queries
):
    from django.urls import reverse

    _store(
        plain_mailbox,
        mail(
            message_id="t1@acme.test",
            subject="Out of Office",
            body="Back on 20.03.2026",
            headers=GMAIL,
        ),
    )
    _store(
        plain_mailbox,
        mail(
            message_id="t2@acme.test",
            body="Ok.\n\nOn Mon, 9 Mar 2026, Olga <o@agency.test> wrote:\n> old text\n",
        ),
    )
    client.force_login(am)
    page = client.get(reverse("messaging:timeline", args=[client_acme.pk])).content.decode()
    assert "Out of office" in page or "Нет на месте" in page
    assert "old text" in page and "<details>" in page
    assert (
        reverse("email:classification", args=[Message.objects.get(external_id="t1@acme.test").pk])
        in page
    )
