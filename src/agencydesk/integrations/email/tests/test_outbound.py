"""Outbound e-mail through the one outbox to a real SMTP server (aiosmtpd), in its thread, never twice."""

from __future__ import annotations

import logging

import pytest

from agencydesk.integrations.email.models import EmailSend, Mailbox
from agencydesk.integrations.email.poller import mailbox_poll
from agencydesk.integrations.email.tests.mails import mail
from agencydesk.messaging.models import Message, OutboundMessage
from agencydesk.messaging.services import acknowledgement_send, message_send
from agencydesk.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


def _deliver(outbox):
    from django.utils import timezone

    return outbox_deliver(model=OutboundMessage, pk=outbox.pk, now=timezone.now())


def test_a_reply_from_the_desk_goes_out_in_the_clients_thread(
    mailbox, dovecot, smtp, client_acme, am
):
    dovecot.deliver(mail(message_id="ask@acme.test", subject="Макет"))
    mailbox_poll(mailbox=mailbox)
    asked = Message.objects.get(external_id="ask@acme.test")
    from django.utils import timezone

    outbox = message_send(
        client=client_acme,
        text="Добрый день!\n\nМакет будет завтра.",
        by=am,
        at=timezone.now(),
        conversation=asked.conversation,
    )
    assert _deliver(outbox) == "sent"
    assert len(smtp.messages) == 1
    sent = smtp.parsed()[0]
    assert sent["To"] == "gromov@acme.test"
    assert sent["In-Reply-To"] == "<ask@acme.test>"
    assert "<ask@acme.test>" in sent["References"]
    assert sent["Subject"].startswith("Re: Макет")
    assert sent["Auto-Submitted"] is None
    kinds = [p.get_content_type() for p in sent.walk()]
    assert "text/plain" in kinds and "text/html" in kinds
    send = EmailSend.objects.get(outbox=outbox)
    assert sent["Message-ID"] == f"<{send.message_id}>"
    # The first response is met by the reply; delivering again sends nothing more.
    assert asked.commitments.get(kind="first_response").state == "met"
    OutboundMessage.objects.filter(pk=outbox.pk).update(state="queued")
    assert _deliver(outbox) == "sent"
    assert len(smtp.messages) == 1
    # The client's answer to our mail joins the same conversation.
    dovecot.deliver(
        mail(message_id="ok@acme.test", subject="Re: Макет", body="Ок", in_reply_to=send.message_id)
    )
    mailbox.refresh_from_db()
    mailbox_poll(mailbox=mailbox)
    assert Message.objects.get(external_id="ok@acme.test").conversation == asked.conversation


def test_an_acknowledgement_is_marked_auto_replied_in_the_clients_language(
    mailbox, dovecot, smtp, client_acme
):
    dovecot.deliver(mail(message_id="q@acme.test"))
    mailbox_poll(mailbox=mailbox)
    first = Message.objects.get(external_id="q@acme.test").commitments.get(kind="first_response")
    from django.utils import timezone

    outbox = acknowledgement_send(commitment=first, at=timezone.now())
    assert outbox is not None
    assert _deliver(outbox) == "sent"
    sent = smtp.parsed()[0]
    assert sent["Auto-Submitted"] == "auto-replied"
    body = sent.get_body(("plain",)).get_content()
    assert "Алексей" in body or "Здравствуйте" in body or "получили" in body


def test_an_answer_lost_after_the_hand_over_is_never_sent_again(mailbox, smtp, client_acme, am):
    from django.utils import timezone

    outbox = message_send(client=client_acme, text="Привет", by=am, at=timezone.now())
    # A worker died inside the SMTP call: its reservation is still pending.
    from agencydesk.integrations.email.adapter import build

    _m, send = build(outbox, mailbox)
    send.save()
    assert _deliver(outbox) == "failed"
    outbox.refresh_from_db()
    assert "may have been delivered" in outbox.last_error
    assert smtp.messages == []


def test_smtp_unreachable_is_retried_later(mailbox, client_acme, am):
    from django.utils import timezone

    Mailbox.objects.filter(pk=mailbox.pk).update(smtp_port=1)
    outbox = message_send(client=client_acme, text="Привет", by=am, at=timezone.now())
    assert _deliver(outbox) == "queued"
    assert EmailSend.objects.get(outbox=outbox).outcome == "failed"


def test_the_password_is_never_in_clear_in_the_database_logs_or_export(
    mailbox, dovecot, client_acme, caplog, director, client, capsys
):
    from django.db import connection

    from agencydesk.cli import main

    caplog.set_level(logging.DEBUG)
    secret = dovecot.password
    dovecot.deliver(mail(message_id="p@acme.test"))
    mailbox_poll(mailbox=mailbox)
    # Wrong password: the error is logged and stored, the password is not.
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_port=1)
    mailbox.refresh_from_db()
    mailbox_poll(mailbox=mailbox)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM email_mailbox")
        rows = cursor.fetchall()
    assert secret not in repr(rows)
    assert secret not in caplog.text
    assert main(["export", "client", str(client_acme.pk)]) == 0
    assert secret not in capsys.readouterr().out
    client.force_login(director)
    director.role = "admin"
    director.save()
    page = client.get(f"/email/mailboxes/{mailbox.pk}/").content.decode()
    assert secret not in page
    assert mailbox.password_encrypted not in page
    admin_page = client.get(f"/admin/email/mailbox/{mailbox.pk}/change/")
    assert secret not in admin_page.content.decode()
    # The audit log says that the password was set, never what it is.
    from agencydesk.core.models import AuditLog

    created = AuditLog.objects.get(action="email.mailbox_create", object_id=str(mailbox.pk))
    assert created.changes["password"] == "set"
    assert secret not in repr(list(AuditLog.objects.values_list("changes", flat=True)))


def test_a_mailbox_change_is_audited_as_a_diff(mailbox, director):
    from django.utils import timezone

    from agencydesk.core.models import AuditLog
    from agencydesk.integrations.email.services import mailbox_save

    before = mailbox.from_name
    mailbox_save(
        mailbox=mailbox, values={"from_name": "Агентство", "imap_port": mailbox.imap_port},
        password=None, at=timezone.now(), by=director,
    )  # fmt: skip
    row = AuditLog.objects.get(action="email.mailbox_change")
    assert row.actor == director
    assert row.changes == {"from_name": [before, "Агентство"]}
    mailbox_save(mailbox=mailbox, values={}, password="new secret", at=timezone.now(), by=director)
    last = AuditLog.objects.filter(action="email.mailbox_change").latest("pk")
    assert last.changes == {"password": "changed"}
    mailbox_save(mailbox=mailbox, values={}, password=None, at=timezone.now(), by=director)
    assert AuditLog.objects.filter(action="email.mailbox_change").count() == 2


def test_test_connection_reports_both_servers(mailbox, client, director):
    director.role = "admin"
    director.save()
    client.force_login(director)
    answer = client.post(f"/email/mailboxes/{mailbox.pk}/test/").content.decode()
    assert answer.count("✓") == 2
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_port=1)
    answer = client.post(f"/email/mailboxes/{mailbox.pk}/test/").content.decode()
    assert "✗" in answer


def test_cli_adds_a_mailbox_reading_the_password_from_the_environment(db, monkeypatch, dovecot):
    from agencydesk.cli import main

    monkeypatch.setenv("TEAM_B_PASSWORD", dovecot.password)
    code = main(
        [
            "email",
            "mailbox",
            "add",
            "Team B",
            "--imap-host",
            "127.0.0.1",
            "--imap-port",
            str(dovecot.port),
            "--imap-security",
            "none",
            "--user",
            dovecot.user,
            "--password-env",
            "TEAM_B_PASSWORD",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            "2525",
            "--smtp-security",
            "none",
            "--from",
            "team-b@agency.test",
        ]
    )
    assert code == 0
    box = Mailbox.objects.get(name="Team B")
    assert dovecot.password not in box.password_encrypted
    dovecot.deliver(mail(message_id="cli@unknown.test", sender="x@unknown.test"))
    assert main(["email", "poll", "--once"]) == 0
    assert box.inbound.count() == 1
    assert (
        main(
            [
                "email",
                "mailbox",
                "add",
                "C",
                "--imap-host",
                "h",
                "--imap-port",
                "1",
                "--user",
                "u",
                "--password-env",
                "NOT_SET_ANYWHERE",
                "--smtp-host",
                "h",
                "--smtp-port",
                "1",
                "--from",
                "c@agency.test",
            ]
        )
        == 2
    )


def test_the_composer_confirms_a_telegram_agreement_by_e_mail(
    mailbox, smtp, client_acme, am, client
):
    from django.urls import reverse
    from django.utils import timezone

    from agencydesk.messaging.services import conversation_for

    telegram = conversation_for(
        client=client_acme, channel="telegram", key="main", at=timezone.now()
    )
    client.force_login(am)
    answer = client.post(
        reverse("messaging:send", args=[client_acme.pk]),
        {
            "conversation": telegram.pk,
            "text": "Сдаём макет в пятницу",
            "answers_questions": "on",
            "confirm_by_email": "on",
        },
    )
    assert answer.status_code == 302
    confirmation = OutboundMessage.objects.get(channel="email")
    assert "Сдаём макет в пятницу" in confirmation.message.text
    assert confirmation.message.text.startswith("Письменно подтверждаем")
    assert _deliver(confirmation) == "sent"
    assert smtp.parsed()[0]["To"] == "gromov@acme.test"


def test_confirming_by_e_mail_without_an_address_sends_neither(mailbox, client_acme, am, client):
    from django.urls import reverse
    from django.utils import timezone

    from agencydesk.messaging.services import conversation_for

    client_acme.contacts.update(email="")
    telegram = conversation_for(
        client=client_acme, channel="telegram", key="main", at=timezone.now()
    )
    client.force_login(am)
    answer = client.post(
        reverse("messaging:send", args=[client_acme.pk]),
        {"conversation": telegram.pk, "text": "Сдаём макет", "confirm_by_email": "on"},
    )
    assert answer.status_code == 200
    assert not OutboundMessage.objects.exists()


def test_the_daily_digest_goes_by_e_mail_once_a_day_in_the_persons_language(
    mailbox, smtp, client_acme, am
):
    import time_machine

    from agencydesk.integrations.email.digest import digests_queue
    from agencydesk.integrations.email.models import EmailNotice
    from agencydesk.integrations.email.tasks import notice_send  # noqa: F401 (registered)

    am.email, am.language, am.timezone = "olga@agency.test", "ru", "Europe/Moscow"
    am.save()
    with time_machine.travel("2026-03-10 05:00:00+00:00", tick=False):  # 08:00 in Moscow
        from django.utils import timezone

        assert digests_queue(now=timezone.now())["email_digests"] == 0
    with time_machine.travel("2026-03-10 06:30:00+00:00", tick=False):  # 09:30 in Moscow
        from django.utils import timezone

        now = timezone.now()
        assert digests_queue(now=now)["email_digests"] >= 1
        assert digests_queue(now=now)["email_digests"] == 0
        notice = EmailNotice.objects.get(user=am)
        assert outbox_deliver(model=EmailNotice, pk=notice.pk, now=now) == "sent"
    sent = [m for m in smtp.parsed() if m["To"] == "olga@agency.test"]
    assert len(sent) == 1
    assert sent[0]["Auto-Submitted"] == "auto-generated"
    assert "Доброе утро" in sent[0].get_body(("plain",)).get_content()
