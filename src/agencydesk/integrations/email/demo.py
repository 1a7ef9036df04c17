"""Demo data of the e-mail connector, stored through the real reading path.

A demo mailbox that is switched off (there is no mail server to reach, so the
clock never polls it and sends are recorded as logged), then raw mails as mail
programs write them, each stored by :func:`email_store` exactly as the poller
would: a thread with a client, a reply of the account manager from their own
mail program and the client's answer quoting it (the quote folded away), a
client's fresh question waiting for an answer (a reply timer on Today), an
out-of-office with its return date, a newsletter (no timer) and an unknown
sender waiting on the triage page.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import transaction

from agencydesk.clients.models import Client, Contact
from agencydesk.integrations.email.inbound import email_store
from agencydesk.integrations.email.models import Mailbox
from agencydesk.integrations.email.services import mailbox_save

DEMO_MAILBOX = "Agency inbox (demo)"
DESK_ADDRESS = "desk@agency.example"

TEXTS = {
    "first": {
        "ru": "Добрый день!\nПрисылаем комментарии к пресс-релизу о запуске. Сможете прислать новую версию?",
        "uk": "Добрий день!\nНадсилаємо коментарі до прес-релізу про запуск. Зможете надіслати нову версію?",
        "bg": "Добър ден!\nИзпращаме коментари по прессъобщението за старта. Ще изпратите ли нова версия?",
        "en": "Hello!\nHere are our comments on the launch press release. Could you send a new version?",
    },
    "staff": {
        "ru": "Добрый день! Спасибо, учли все правки, новая версия во вложении.",
        "uk": "Добрий день! Дякуємо, врахували всі правки, нова версія у вкладенні.",
        "bg": "Добър ден! Благодарим, отразихме всички корекции, новата версия е приложена.",
        "en": "Hello! Thank you, all edits are in; the new version is attached.",
    },
    "answer": {
        "ru": "Спасибо, согласовано. Публикуем в четверг.",
        "uk": "Дякуємо, погоджено. Публікуємо в четвер.",
        "bg": "Благодарим, одобрено. Публикуваме в четвъртък.",
        "en": "Thank you, approved. We publish on Thursday.",
    },
    "question": {
        "ru": "И ещё вопрос: когда будет готов отчёт по публикациям за ноябрь?",
        "uk": "І ще питання: коли буде готовий звіт щодо публікацій за листопад?",
        "bg": "И още един въпрос: кога ще е готов отчетът за публикациите за ноември?",
        "en": "One more question: when will the November coverage report be ready?",
    },
    "subject": {
        "ru": "Пресс-релиз о запуске",
        "uk": "Прес-реліз про запуск",
        "bg": "Прессъобщение за старта",
        "en": "Launch press release",
    },
}
OUT_OF_OFFICE = {
    "ru": (
        "Автоответ",
        "Здравствуйте! Я в отпуске до {back}. По срочным вопросам пишите на office@client.example.",
    ),
    "uk": (
        "Автовідповідь",
        "Вітаю! Я у відпустці до {back}. З термінових питань пишіть на office@client.example.",
    ),
    "bg": (
        "Автоматичен отговор",
        "Здравейте! В отпуск съм до {back}. По спешни въпроси пишете на office@client.example.",
    ),
    "en": (
        "Automatic reply",
        "Hello! I am on holiday until {back}. For urgent matters write to office@client.example.",
    ),
}
# The line Gmail writes above a quote, in the client's language.
QUOTE_HEADER = {
    "ru": "{day} в {time}, {name} <{address}>:",
    "uk": "{day} о {time} {name} <{address}> пише:",
    "bg": "На {day} в {time} ч. {name} <{address}> написа:",
    "en": "On {day} at {time}, {name} <{address}> wrote:",
}


def _raw(
    *,
    message_id: str,
    sender: str,
    subject: str,
    body: str,
    when: datetime,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = DESK_ADDRESS
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        msg["References"] = f"<{in_reply_to}>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return bytes(msg)


def _lang(client: Client) -> str:
    return client.language if client.language in TEXTS["first"] else "en"


def _thread(mailbox: Mailbox, client: Client, contact: Contact, now: datetime) -> int:
    """Client → account manager (from their own mail program) → client, then a fresh question."""
    lang, key = _lang(client), f"demo.{client.pk}"
    manager = client.account_manager
    subject = TEXTS["subject"][lang]
    client_from = formataddr((contact.name, contact.email))
    first_at, staff_at = now - timedelta(days=3, hours=2), now - timedelta(days=2, hours=6)
    answer_at, question_at = now - timedelta(days=2), now - timedelta(minutes=40)
    mails = [
        _raw(
            message_id=f"{key}.1@client.example",
            sender=client_from,
            subject=subject,
            body=TEXTS["first"][lang],
            when=first_at,
        )
    ]
    if manager is not None and manager.email:
        mails.append(
            _raw(
                message_id=f"{key}.2@agency.example",
                sender=formataddr((manager.get_full_name() or manager.username, manager.email)),
                subject=f"Re: {subject}",
                body=TEXTS["staff"][lang],
                when=staff_at,
                in_reply_to=f"{key}.1@client.example",
            )
        )
        header = QUOTE_HEADER[lang].format(
            day=staff_at.strftime("%d.%m.%Y"),
            time=staff_at.strftime("%H:%M"),
            name=manager.get_full_name() or manager.username,
            address=manager.email,
        )
        quoted = "\n".join(f"> {line}" for line in TEXTS["staff"][lang].splitlines())
        mails.append(
            _raw(
                message_id=f"{key}.3@client.example",
                sender=client_from,
                subject=f"Re: {subject}",
                body=f"{TEXTS['answer'][lang]}\n\n{header}\n{quoted}\n",
                when=answer_at,
                in_reply_to=f"{key}.2@agency.example",
            )
        )
        mails.append(
            _raw(
                message_id=f"{key}.4@client.example",
                sender=client_from,
                subject=f"Re: {subject}",
                body=TEXTS["question"][lang],
                when=question_at,
                in_reply_to=f"{key}.3@client.example",
            )
        )
    return sum(email_store(mailbox=mailbox, raw=raw, uid=None, at=now).created for raw in mails)


def _automatic(mailbox: Mailbox, client: Client, contact: Contact, now: datetime) -> int:
    """An out-of-office with its return date, and the client's newsletter: neither is an answer."""
    back = (now + timedelta(days=6)).date()
    lang = _lang(client)
    prefix, text = OUT_OF_OFFICE[lang]
    mails = [
        _raw(
            message_id=f"demo.{client.pk}.ooo@client.example",
            sender=formataddr((contact.name, contact.email)),
            subject=f"{prefix}: {TEXTS['subject'][lang]}",
            body=text.format(back=f"{back:%d.%m.%Y}"),
            when=now - timedelta(hours=20),
            headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
        ),
        _raw(
            message_id=f"demo.{client.pk}.news@client.example",
            # The client's own mailing, sent in the contact's name by their list service.
            sender=formataddr((contact.name, contact.email)),
            subject="Новости компании — декабрь",
            body="Главные новости месяца в одном письме.",
            when=now - timedelta(hours=30),
            headers={
                "Precedence": "bulk",
                "List-Unsubscribe": "<mailto:unsubscribe@client.example>",
            },
        ),
    ]
    return sum(email_store(mailbox=mailbox, raw=raw, uid=None, at=now).created for raw in mails)


def _unknown(mailbox: Mailbox, now: datetime) -> int:
    raw = _raw(
        message_id="demo.unknown.1@newbrand.example",
        sender=formataddr(("Марина Лебедева", "marina@newbrand.example")),
        subject="Бриф на запуск бренда",
        body=(
            "Добрый день! Нам вас порекомендовали. Хотим обсудить PR-поддержку запуска "
            "нового бренда в феврале. Когда удобно созвониться?"
        ),
        when=now - timedelta(hours=4),
    )
    return email_store(mailbox=mailbox, raw=raw, uid=None, at=now).created


@transaction.atomic
def demo_email(*, now: datetime, threads: int = 3) -> int:
    """Store the demo mail (once: a second run finds every Message-ID); returns the mails stored."""
    mailbox = Mailbox.objects.filter(name=DEMO_MAILBOX).first()
    if mailbox is None:
        mailbox = mailbox_save(
            mailbox=None,
            values={
                "name": DEMO_MAILBOX,
                "imap_host": "imap.agency.example",
                "imap_port": 993,
                "smtp_host": "smtp.agency.example",
                "smtp_port": 465,
                "username": DESK_ADDRESS,
                "from_address": DESK_ADDRESS,
                "from_name": "",
                # No server to reach: the clock never polls it, sends are recorded as logged.
                "is_active": False,
            },
            password=secrets.token_urlsafe(16),  # no server will ever ask for it
            at=now,
        )
    clients = [
        client
        for client in Client.objects.filter(status="active", preferred_channel="email")
        .select_related("account_manager")
        .prefetch_related("contacts")
        .order_by("pk")
        if any(c.email for c in client.contacts.all())
    ]
    stored = 0
    for n, client in enumerate(clients[: threads + 1]):
        contact = next(c for c in client.contacts.all() if c.email)
        stored += (
            _thread(mailbox, client, contact, now)
            if n < threads
            else _automatic(mailbox, client, contact, now)
        )
    return stored + _unknown(mailbox, now)
