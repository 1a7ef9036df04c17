"""A client's "Recent changes": sentences in the reader's language and time zone.

No database ids, no UTC moments, never a secret (the Telegram link code), and
the changes of one promise (opened, met) in one line.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients import dossier
from agencydesk.clients.selectors import client_history
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.commitments.models import Commitment
from agencydesk.core.models import AuditLog
from agencydesk.integrations.telegram.services import link_code_create
from agencydesk.messaging.services import message_record
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
ASKED = msk(2026, 12, 1, 9, 20)  # Tuesday 09:20 in Moscow, 06:20 UTC
ANSWERED = msk(2026, 12, 1, 9, 25)


@pytest.fixture(autouse=True)
def _language_restored():
    """A Russian reader's request leaves Russian active in the thread: the next test gets it back."""
    with translation.override("en"):
        yield


@pytest.fixture
def olga(db):
    return UserFactory(
        username="olga",
        first_name="Ольга",
        last_name="Петрова",
        role="account_manager",
        language="ru",
        timezone="Europe/Moscow",
    )


@pytest.fixture
def acme(olga):
    return ClientFactory(name="Acme", language="ru", account_manager=olga)


@pytest.fixture
def asked_and_answered(acme, olga):
    """A question the client asked and the account manager answered five minutes later."""
    message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=ASKED,
        text="Когда будет готов макет?",
        at=ASKED,
    )
    message_record(
        client=acme,
        channel="telegram",
        direction="out",
        sent_at=ANSWERED,
        text="Сегодня до 15:00.",
        at=ANSWERED,
        author_user=olga,
    )
    return acme


def _history_html(http, client) -> str:
    with time_machine.travel(msk(2026, 12, 1, 12, 0), tick=False):
        page = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    html = page.split('data-testid="history"', 1)[1].split("</ul>", 1)[0]
    return re.sub(r' datetime="[^"]*"', "", html)  # the machine-readable moment is for machines


def test_a_promise_opened_and_met_is_one_line_in_russian_in_the_readers_time(
    client, olga, asked_and_answered
):
    client.force_login(olga)
    html = _history_html(client, asked_and_answered)
    reply_lines = [line for line in html.split("<li>") if "Ответить клиенту" in line]
    assert len(reply_lines) == 1, html
    line = reply_lines[0]
    assert "1 дек 09:25" in line  # Moscow time, month in lower case
    assert "открыто 09:20" in line and "выполнено 09:25" in line
    assert "Ольга Петрова" in line
    # The question it answered is its own line, named in Russian too.
    assert "Ответить на вопрос" in html
    assert "Reply to the client" not in html and "Answer the question" not in html
    # Nothing of the saved text: no id, no UTC time, no ISO date.
    assert "06:2" not in html
    assert "2026-12-01" not in html
    commitment_ids = Commitment.objects.values_list("pk", flat=True)
    assert not any(re.search(rf"· {pk} ·", html) for pk in commitment_ids)


def test_the_telegram_link_code_is_never_in_the_history(client, olga, acme):
    with time_machine.travel(msk(2026, 12, 1, 11, 0), tick=False):
        code = link_code_create(at=msk(2026, 12, 1, 11, 0), by=olga, client=acme)
    assert AuditLog.objects.filter(action="link_code.create", client_id=acme.pk).exists()
    client.force_login(olga)
    html = _history_html(client, acme)
    assert "Код привязки: добавлено (Ольга Петрова)" in html
    assert code.code not in html


def test_a_contact_change_names_the_fields_changed_never_their_values(olga, acme):
    at = msk(2026, 12, 1, 10, 0)
    contact = dossier.contact_create(
        client=acme, by=olga, at=at, name="Анна Смирнова", email="anna@acme.example"
    )
    dossier.contact_update(contact=contact, by=olga, at=at, email="anna.s@acme.example")
    with translation.override("en"):
        lines = [line.text for line in client_history(user=olga, client=acme, now=at)]
    assert lines[0] == "Contact «Анна Смирнова» changed: e-mail by Ольга Петрова"
    assert lines[1] == "Contact «Анна Смирнова» added by Ольга Петрова"
    assert "anna" not in " ".join(lines)
    with translation.override("ru"):
        line = client_history(user=olga, client=acme, now=at)[0].text
    assert line == "Контакт «Анна Смирнова»: изменено — e-mail (Ольга Петрова)"


def test_the_history_of_a_hidden_client_is_empty(olga):
    hidden = ClientFactory(confidential=True, account_manager=UserFactory())
    dossier.contact_create(client=hidden, by=None, at=ASKED, name="Secret")
    assert AuditLog.objects.filter(client_id=hidden.pk).exists()
    assert client_history(user=olga, client=hidden, now=ASKED) == []


def test_the_client_page_reads_its_history_in_a_fixed_number_of_queries(
    client, olga, asked_and_answered
):
    client.force_login(olga)
    with CaptureQueriesContext(connection) as few:
        _history_html(client, asked_and_answered)
    for minute in range(30):
        at = ANSWERED + dt.timedelta(minutes=minute)
        message_record(
            client=asked_and_answered,
            channel="telegram",
            direction="in",
            sent_at=at,
            text=f"Вопрос номер {minute}?",
            at=at,
        )
    with CaptureQueriesContext(connection) as many:
        html = _history_html(client, asked_and_answered)
    assert html.count("<li>") == 15
    assert len(many.captured_queries) <= len(few.captured_queries) + 1
