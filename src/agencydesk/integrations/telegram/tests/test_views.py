"""Pages: the client's Telegram card and link code, chats waiting for an admin, attachments."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.utils import timezone

from agencydesk.integrations.telegram.models import LinkCode, TelegramChat
from agencydesk.integrations.telegram.testing import group_message


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_the_client_page_offers_a_link_code_to_those_who_edit(am, specialist, client_acme):
    page = _as(am).get(f"/clients/{client_acme.pk}/")
    assert "Link a Telegram group" in page.content.decode()
    response = _as(am).post(f"/clients/{client_acme.pk}/telegram/link-code/", follow=True)
    code = LinkCode.objects.get(client=client_acme)
    card = response.content.decode().split('id="telegram"', 1)[1].split("</section>", 1)[0]
    assert f"/link {code.code}" in card  # in the card itself, with its copy button
    assert f'data-copy="tg-link-code-{client_acme.pk}"' in card
    assert (
        "Link a Telegram group"
        not in _as(specialist).get(f"/clients/{client_acme.pk}/").content.decode()
    )
    assert _as(specialist).post(f"/clients/{client_acme.pk}/telegram/link-code/").status_code == 403


def test_unassigned_chats_are_listed_for_directors(
    fake_api, process, director, am, django_assert_num_queries
):
    for n in range(3):
        process(
            group_message(
                update_id=n + 1,
                chat_id=-500 - n,
                message_id=1,
                text="Добрый день",
                title=f"Неизвестная группа {n}",
            )
        )
    http = _as(director)
    # 9, and 2 for whether a staff director has any back-office right (the navigation's link)
    with django_assert_num_queries(11):
        page = http.get("/telegram/")
    html = page.content.decode()
    assert all(f"Неизвестная группа {n}" in html for n in range(3))
    assert "Chats waiting for a client" not in _as(am).get("/telegram/").content.decode()


def test_assigning_needs_a_client_and_a_director(fake_api, process, director, am, client_acme):
    process(group_message(update_id=1, chat_id=-500, message_id=1, text="Добрый день"))
    chat = TelegramChat.objects.get()
    url = f"/telegram/chats/{chat.pk}/assign/"
    assert _as(am).post(url, {f"c{chat.pk}-client": client_acme.pk}).status_code == 403
    refused = _as(director).post(url, {f"c{chat.pk}-client": ""})
    assert refused.status_code == 422
    assert "Choose the client this chat belongs to." in refused.content.decode()
    done = _as(director).post(url, {f"c{chat.pk}-client": client_acme.pk})
    assert done.status_code == 302
    chat.refresh_from_db()
    assert chat.client == client_acme


def test_an_attachment_is_fetched_from_telegram_for_those_who_see_the_client(
    fake_api, process, am, client_acme
):
    from agencydesk.integrations.telegram.models import TelegramAttachment
    from agencydesk.integrations.telegram.services import link_code_create

    code = link_code_create(client=client_acme, by=am, at=timezone.now())
    fake_api.files["F1"] = b"%PDF-1.4 contract"
    process(
        group_message(update_id=1, chat_id=-9, message_id=1, text=f"/link {code.code}"),
        group_message(
            update_id=2,
            chat_id=-9,
            message_id=2,
            extra={
                "document": {
                    "file_id": "F1",
                    "file_unique_id": "U1",
                    "file_name": "договор.pdf",
                    "mime_type": "application/pdf",
                }
            },
        ),
    )
    attachment = TelegramAttachment.objects.get()
    response = _as(am).get(f"/telegram/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 contract"
    assert "filename*=utf-8''%D0%B4%D0%BE%D0%B3" in response["Content-Disposition"]
    assert HttpClient().get(f"/telegram/files/{attachment.pk}/").status_code == 302  # sign in


def test_the_timeline_shows_edits_and_quoted_replies(fake_api, process, am, client_acme):
    from agencydesk.integrations.telegram.services import link_code_create

    code = link_code_create(client=client_acme, by=am, at=timezone.now())
    process(
        group_message(update_id=1, chat_id=-9, message_id=1, text=f"/link {code.code}"),
        group_message(update_id=2, chat_id=-9, message_id=2, text="Бюджет 100"),
        group_message(update_id=3, chat_id=-9, message_id=2, text="Бюджет 50", edited=True),
        group_message(
            update_id=4,
            chat_id=-9,
            message_id=3,
            text="Согласовано",
            extra={
                "reply_to_message": {
                    "message_id": 2,
                    "date": 1,
                    "chat": {"id": -9},
                    "text": "Бюджет 100",
                }
            },
        ),
    )
    html = _as(am).get(f"/clients/{client_acme.pk}/messages/").content.decode()
    assert "Бюджет 100" in html and "Бюджет 50" in html and "edited" in html
    assert '<blockquote class="quoted small muted">Бюджет 100</blockquote>' in html


def test_demo_data_links_groups_and_leaves_one_chat_for_an_admin(
    db, am, director, django_capture_on_commit_callbacks
):
    from agencydesk.clients.tests.factories import ClientFactory
    from agencydesk.integrations.telegram.assigning import chat_assign
    from agencydesk.integrations.telegram.demo import UNLINKED_CHAT, demo_telegram
    from agencydesk.integrations.telegram.models import TelegramTopic
    from agencydesk.messaging.models import Message

    clients = [ClientFactory(account_manager=am, preferred_channel="telegram") for _ in range(2)]
    assert demo_telegram(now=timezone.now()) == 3
    assert demo_telegram(now=timezone.now()) == 0
    assert TelegramChat.objects.filter(client__in=clients, is_forum=True).count() == 2
    assert TelegramTopic.objects.count() == 10
    assert set(TelegramTopic.objects.values_list("topic", flat=True)) == {
        "design",
        "texts",
        "documents",
        "general",
        "ideas",
    }
    unlinked = TelegramChat.objects.get(chat_id=UNLINKED_CHAT)
    with django_capture_on_commit_callbacks(execute=True):
        chat_assign(chat=unlinked, client=clients[0], by=director, at=timezone.now())
    assert (
        Message.objects.filter(client=clients[0], channel="telegram", kind="message").count() == 2
    )


def test_demo_data_shows_a_join_on_a_timeline_and_a_lost_group_in_today(
    db, am, django_capture_on_commit_callbacks
):
    from agencydesk.clients.tests.factories import ClientFactory
    from agencydesk.commitments.models import Commitment
    from agencydesk.integrations.telegram.demo import demo_telegram
    from agencydesk.messaging.models import Message

    clients = [ClientFactory(account_manager=am, preferred_channel="telegram") for _ in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        assert demo_telegram(now=timezone.now()) == 6  # four groups, the lost one, the unassigned

    [joined] = Message.objects.filter(kind="event")
    assert joined.client == clients[0] and "Ирина Соколова" in joined.text
    lost = TelegramChat.objects.get(client=clients[4])
    assert lost.disconnected_at is not None
    [item] = Commitment.objects.filter(kind="telegram_lost")
    assert (item.client, item.owner, item.state) == (clients[4], am, "open")
    assert not Commitment.objects.exclude(kind="telegram_lost").exists()  # the event opened none
    assert not TelegramChat.objects.filter(client=clients[5]).exists()


def test_htmx_swaps_the_card_with_the_code_in_place_no_banner(am, director, client_acme):
    http = _as(am)
    response = http.post(
        f"/clients/{client_acme.pk}/telegram/link-code/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    code = LinkCode.objects.get(client=client_acme)
    assert html.lstrip().startswith('<section class="card" id="telegram">')
    assert f"/link {code.code}" in html and "send this line there" in html
    # Shown to its maker only, and only while it is unused.
    page = _as(director).get(f"/clients/{client_acme.pk}/").content.decode()
    assert code.code not in page
    assert code.code in http.get(f"/clients/{client_acme.pk}/").content.decode()
    LinkCode.objects.filter(pk=code.pk).update(used_at=timezone.now())
    assert code.code not in http.get(f"/clients/{client_acme.pk}/").content.decode()


def test_an_expired_code_is_no_longer_shown(am, client_acme):
    http = _as(am)
    http.post(f"/clients/{client_acme.pk}/telegram/link-code/")
    code = LinkCode.objects.get(client=client_acme)
    LinkCode.objects.filter(pk=code.pk).update(expires_at=timezone.now())
    assert code.code not in http.get(f"/clients/{client_acme.pk}/").content.decode()
