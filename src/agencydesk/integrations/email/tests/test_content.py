"""What is inside a mail: encodings of Cyrillic mail programs, attachments, quoted text, broken MIME."""

from __future__ import annotations

import base64
import quopri

import pytest
from django.urls import reverse

from agencydesk.integrations.email.inbound import email_store
from agencydesk.integrations.email.models import EmailAttachment
from agencydesk.integrations.email.tests.mails import WHEN, mail

pytestmark = pytest.mark.django_db

TEXT = "Добрий день! Погоджуємо макет, дякую."


def _raw(*, subject: str, charset: str, cte: str, body: bytes, mid: str) -> bytes:
    head = (
        "From: gromov@acme.test\r\nTo: desk@agency.test\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{mid}>\r\nDate: Tue, 10 Mar 2026 09:00:00 +0000\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode()
    return head + body


def _b_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def _q_word(text: str, charset: str) -> str:
    return f"=?{charset}?Q?{quopri.encodestring(text.encode(charset), header=True).decode()}?="


@pytest.mark.parametrize(
    ("charset", "cte", "text"),
    [
        ("koi8-r", "8bit", "Добрый день! Согласуем макет, спасибо."),
        ("windows-1251", "quoted-printable", "Добър ден! Одобряваме макета, благодаря."),
        ("utf-8", "base64", TEXT),
        ("windows-1251", "base64", "Добрый день! Согласуем макет, спасибо."),
    ],
)
def test_cyrillic_in_every_encoding_mail_programs_use(
    plain_mailbox, client_acme, charset, cte, text
):
    data = text.encode(charset)
    body = {
        "8bit": data,
        "base64": base64.encodebytes(data),
        "quoted-printable": quopri.encodestring(data),
    }[cte]
    subject = (
        _b_word("Макет баннера", charset)
        if cte != "quoted-printable"
        else _q_word("Макет баннера", charset)
    )
    email = email_store(
        mailbox=plain_mailbox,
        raw=_raw(
            subject=subject, charset=charset, cte=cte, body=body, mid=f"{charset}-{cte}@acme.test"
        ),
        uid=None,
        at=WHEN,
    ).email
    assert email.subject == "Макет баннера"
    assert email.record.text == text
    assert not email.warning


def test_attachments_are_records_downloaded_through_the_desk(
    plain_mailbox, client_acme, am, client
):
    raw = mail(
        message_id="att@acme.test",
        attachments=[("бриф.pdf", "application/pdf", b"%PDF-1.4 test")],
    )
    email = email_store(mailbox=plain_mailbox, raw=raw, uid=None, at=WHEN).email
    item = EmailAttachment.objects.get(email=email)
    assert item.file_name == "бриф.pdf" and item.size == 13
    url = reverse("email:file", args=[item.pk])
    assert email.record.attachments == [url]
    client.force_login(am)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.content == b"%PDF-1.4 test"
    from agencydesk.accounts.tests.factories import UserFactory
    from agencydesk.clients.models import Client

    Client.objects.filter(pk=client_acme.pk).update(confidential=True)
    client.force_login(UserFactory(username="other", role="account_manager"))
    assert client.get(url).status_code == 404


def test_quoted_text_is_folded_away(plain_mailbox, client_acme):
    body = (
        "Thanks, approved.\n\n"
        "On Mon, 9 Mar 2026 at 10:00, Olga <olga@agency.test> wrote:\n"
        "> Here is the banner.\n> Please approve.\n"
    )
    email = email_store(
        mailbox=plain_mailbox, raw=mail(message_id="q@acme.test", body=body), uid=None, at=WHEN
    ).email
    assert email.record.text == "Thanks, approved."
    assert "Here is the banner" in email.quoted


def test_malformed_mime_is_kept_raw_with_a_warning(plain_mailbox, client_acme):
    raw = (
        b"From: gromov@acme.test\r\nSubject: broken\r\nMessage-ID: <broken@acme.test>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\r\n"
    )
    email = email_store(mailbox=plain_mailbox, raw=raw, uid=None, at=WHEN).email
    assert email.warning
    assert bytes(email.raw) == raw
    assert email.record is not None and "Привет" in email.record.text


# What Russian, Ukrainian and Bulgarian mail programs put above the mail they quote.
QUOTE_HEADERS = {
    "gmail-ru": "чт, 3 дек. 2026 г. в 12:00, Ольга Смирнова <olga@agency.test>:",
    "yandex": '03.12.2026, 12:00, "Ольга" <olga@agency.test>:',
    "mail.ru": "Четверг, 3 декабря 2026, 12:00 +03:00 от Ольга <olga@agency.test>:",
    "thunderbird-ru": "03.12.2026 12:00, Ольга пишет:",
    "apple-ru": "3 дек. 2026 г., в 12:00, Ольга <olga@agency.test> написал(а):",
    "outlook-ru": "От: Ольга <olga@agency.test>\nОтправлено: 3 декабря 2026 г. 12:00\nКому: Иван\nТема: Баннер\n",
    "gmail-uk": "чт, 3 груд. 2026 р. о 12:00 Ольга <olga@agency.test> пише:",
    "outlook-uk": "Від: Ольга <olga@agency.test>\nНадіслано: 3 грудня 2026 р. 12:00\nКому: Іван\nТема: Банер\n",
    "gmail-bg": "На чт, 3.12.2026 г. в 12:00 ч. Олга <olga@agency.test> написа:",
    "outlook-bg": "От: Олга <olga@agency.test>\nИзпратено: 3 декември 2026 г. 12:00\nДо: Иван\nОтносно: Банер\n",
}


@pytest.mark.parametrize("program", sorted(QUOTE_HEADERS))
def test_cyrillic_quote_headers_fold_the_quote_away(program):
    from agencydesk.integrations.email.parsing import _fold

    reply = "Согласовано, запускайте.\nПравки:\n- логотип крупнее\n- без слогана"
    body = f"{reply}\n\nС уважением,\nИван Громов\n\n{QUOTE_HEADERS[program]}\n> Вот баннер, согласуете?\n"
    newest, folded = _fold(body)
    assert newest == reply
    assert folded.startswith("С уважением,") and "Вот баннер, согласуете?" in folded


def test_ordinary_lines_with_times_and_addresses_stay_in_the_reply():
    from agencydesk.integrations.email.parsing import _fold

    body = (
        "Добрый день!\nСпасибо, получили. Созвон в 12:00, пишите на ivan@acme.test:\n"
        "Встреча: во вторник в 12:00\nОт нас будут двое."
    )
    assert _fold(body) == (body, "")


def test_a_russian_gmail_reply_is_stored_folded(plain_mailbox, client_acme):
    body = (
        "Да, согласовано.\n\n"
        "чт, 3 дек. 2026 г. в 12:00, Ольга Смирнова <olga@agency.test>:\n"
        "> Вот баннер.\n> Согласуете?\n"
    )
    email = email_store(
        mailbox=plain_mailbox, raw=mail(message_id="gq@acme.test", body=body), uid=None, at=WHEN
    ).email
    assert email.record.text == "Да, согласовано."
    assert "Вот баннер" in email.quoted
