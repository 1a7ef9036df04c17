"""The authorization matrix: every page and every API operation, for every role, on both kinds of client.

``TABLE`` declares the answer of every cell. ``test_every_page_and_operation_has_a_row``
enumerates the URL resolver and the OpenAPI schema, so a page or an operation
added later without a row here fails the suite.

Roles (columns): an administrator, a director, the client's account manager,
its backup, another account manager, a specialist on the client's team and one
off it, finance, an anonymous visitor, and "revoked": a person whose account was
deactivated (a web session) or whose API token was revoked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

ROLES = (
    "admin",
    "director",
    "am",
    "backup",
    "other_am",
    "spec_on",
    "spec_off",
    "finance",
    "anon",
    "revoked",
)


def codes(text: str) -> dict[str, int]:
    """``"200 200 … 302"`` in the order of ``ROLES``."""
    values = [int(v) for v in text.split()]
    assert len(values) == len(ROLES), text
    return dict(zip(ROLES, values, strict=True))


@dataclass(frozen=True)
class Access:
    """Who gets what: one row of codes for an ordinary client, one for a confidential one."""

    ordinary: dict[str, int]
    confidential: dict[str, int]


def same(text: str) -> Access:
    return Access(codes(text), codes(text))


# Pages send an anonymous visitor to sign in (302); the API answers 401.
WEB, API = 302, 401


#                                         admin dir  am   bkp  oam son sof fin anon revoked
def reads(ok: int = 200, *, out: int = WEB) -> Access:
    """Anyone signed in may see an ordinary client; a confidential one only its team."""
    return Access(
        codes(f"{ok} {ok} {ok} {ok} {ok} {ok} {ok} {ok} {out} {out}"),
        codes(f"{ok} {ok} {ok} {ok} 404  {ok} 404  404  {out} {out}"),
    )


def writes(ok: int, *, out: int = WEB) -> Access:
    """Directors and the client's account manager or backup change it; who cannot see it gets 404."""
    return Access(
        codes(f"{ok} {ok} {ok} {ok} 403 403 403 403 {out} {out}"),
        codes(f"{ok} {ok} {ok} {ok} 404 403 404 404 {out} {out}"),
    )


def directs(ok: int, *, out: int = WEB) -> Access:
    """Directors only."""
    return Access(
        codes(f"{ok} {ok} 403 403 403 403 403 403 {out} {out}"),
        codes(f"{ok} {ok} 403 403 404 403 404 404 {out} {out}"),
    )


def owner_works(ok: int, *, out: int = WEB) -> Access:
    """Like ``writes``, and the deliverable's owner (the specialist on the team) may too."""
    return Access(
        codes(f"{ok} {ok} {ok} {ok} 403 {ok} 403 403 {out} {out}"),
        codes(f"{ok} {ok} {ok} {ok} 404 {ok} 404 404 {out} {out}"),
    )


def reviews(ok: int, *, out: int = WEB) -> Access:
    """The deliverable's reviewer (the account manager) and directors."""
    return Access(
        codes(f"{ok} {ok} {ok} 403 403 403 403 403 {out} {out}"),
        codes(f"{ok} {ok} {ok} 403 404 403 404 404 {out} {out}"),
    )


OWNER_WORKS = owner_works(302)
REVIEWS = reviews(302)


SIGNED_IN = same("200 200 200 200 200 200 200 200 302 302")
SIGNED_IN_POST = same("302 302 302 302 302 302 302 302 302 302")
DIRECTORS = same("200 200 403 403 403 403 403 403 302 302")
ADMINS = same("200 403 403 403 403 403 403 403 302 302")
TEAM_MANAGERS_POST = same("302 302 403 403 403 403 403 403 302 302")
ANYONE = same("200 200 200 200 200 200 200 200 200 200")
API_SIGNED_IN = same("200 200 200 200 200 200 200 200 401 401")
API_CREATORS = same("201 201 201 201 201 403 403 403 401 401")
# The back office: Django's admin site; directors are staff without model permissions.
ADMIN_SITE = same("200 200 302 302 302 302 302 302 302 302")
ADMIN_MODELS = same("200 403 302 302 302 302 302 302 302 302")
# The webhook authenticates Telegram by its secret header, not a person: the same for all.
WEBHOOK = same("200 200 200 200 200 200 200 200 200 200")


@dataclass(frozen=True)
class Row:
    """One page or operation: how to call it and who gets what."""

    method: str
    path: str  # {client}, {contact}, {message}, {contract}, {chat}, {lost}, {file}, {token}: filled in
    access: Access
    data: Any = None
    json: bool = False


# The one table: URL name (pages) or "METHOD /api/v1/path" (operations) → row.
TABLE: dict[str, Row] = {
    # --- pages ---------------------------------------------------------------------------------
    "home": Row("GET", "/", same("302 302 302 302 302 302 302 302 302 302")),
    "insights:today": Row("GET", "/today/", SIGNED_IN),
    "insights:team": Row("GET", "/team/", DIRECTORS),
    "insights:responses": Row("GET", "/responses/", SIGNED_IN),
    "insights:responses_csv": Row("GET", "/responses.csv", SIGNED_IN),
    # {item} is the account manager's first response to the client's message.
    "commitments:act": Row(
        "POST", "/today/{item}/act/", writes(302), {"action": "done", "reason": "По телефону"}
    ),
    "messaging:timeline": Row("GET", "/clients/{client}/messages/", reads()),
    "messaging:send": Row(
        "POST", "/clients/{client}/messages/send/", writes(302), {"text": "Готово"}
    ),
    "messaging:log": Row(
        "POST",
        "/clients/{client}/messages/log/",
        writes(302),
        {
            "log-channel": "phone",
            "log-direction": "in",
            "log-sent_at": "2026-03-10T10:00",
            "log-text": "Звонок",
        },
    ),
    "messaging:delivery": Row("GET", "/clients/{client}/messages/delivery/", reads()),
    "messaging:labels_set": Row(
        "POST",
        "/clients/{client}/messages/{message}/labels/",
        writes(302),
        {"label": "question", "value": "1"},
    ),
    "accounts:login": Row(
        "GET", "/accounts/login/", same("302 302 302 302 302 302 302 302 200 200")
    ),
    "accounts:logout": Row("POST", "/accounts/logout/", SIGNED_IN_POST),
    "accounts:language": Row("POST", "/accounts/language/", SIGNED_IN_POST, {"language": "ru"}),
    "accounts:profile": Row("GET", "/accounts/profile/", SIGNED_IN),
    "accounts:token_create": Row(
        "POST",
        "/accounts/profile/tokens/",
        same("201 201 201 201 201 201 201 201 302 302"),
        {"name": "CRM"},
    ),
    # {token} is the account manager's: only its owner may revoke it.
    "accounts:token_revoke": Row(
        "POST",
        "/accounts/profile/tokens/{token}/revoke/",
        same("404 404 302 404 404 404 404 404 302 302"),
    ),
    "accounts:password_change": Row("GET", "/accounts/password/", SIGNED_IN),
    "accounts:password_change_done": Row("GET", "/accounts/password/done/", SIGNED_IN),
    "accounts:password_reset": Row("GET", "/accounts/password/reset/", ANYONE),
    "accounts:password_reset_done": Row("GET", "/accounts/password/reset/sent/", ANYONE),
    "accounts:password_reset_confirm": Row(
        "GET", "/accounts/password/reset/MQ/no-such-token/", ANYONE
    ),
    "accounts:password_reset_complete": Row("GET", "/accounts/password/reset/complete/", ANYONE),
    # --- the team: {person} is the client's backup, {absence} their days away.
    "accounts:people": Row("GET", "/accounts/people/", DIRECTORS),
    "accounts:person_new": Row("GET", "/accounts/people/new/", DIRECTORS),
    "accounts:person": Row("GET", "/accounts/people/{person}/", DIRECTORS),
    "accounts:person_deactivate": Row(
        "POST", "/accounts/people/{person}/deactivate/", TEAM_MANAGERS_POST
    ),
    "accounts:person_activate": Row(
        "POST", "/accounts/people/{person}/activate/", TEAM_MANAGERS_POST
    ),
    "accounts:person_link": Row(
        "POST", "/accounts/people/{person}/password-link/", TEAM_MANAGERS_POST
    ),
    # Days away: the person themselves or a director; to anyone else they are missing.
    "accounts:absence_add": Row(
        "POST",
        "/accounts/people/{person}/absences/",
        same("302 302 404 302 404 404 404 404 302 302"),
        {"starts_on": "{away_from}", "ends_on": "{away_to}"},
    ),
    "accounts:absence_remove": Row(
        "POST",
        "/accounts/absences/{absence}/remove/",
        same("302 302 404 302 404 404 404 404 302 302"),
    ),
    "accounts:lockouts": Row("GET", "/accounts/lockouts/", ADMINS),
    "accounts:lockout_clear": Row(
        "POST",
        "/accounts/lockouts/clear/",
        same("302 403 403 403 403 403 403 403 302 302"),
        {"username": "someone"},
    ),
    "clients:list": Row("GET", "/clients/", SIGNED_IN),
    "clients:create": Row("GET", "/clients/new/", same("200 200 200 200 200 403 403 403 302 302")),
    "clients:detail": Row("GET", "/clients/{client}/", reads()),
    "clients:export": Row("GET", "/clients/{client}/export/", reads()),
    "clients:import": Row(
        "GET", "/clients/import/", same("200 200 200 200 200 403 403 403 302 302")
    ),
    # No upload of theirs under that key: who may import gets 404, who may not 403.
    "clients:import_run": Row(
        "POST",
        "/clients/import/run/",
        same("404 404 404 404 404 403 403 403 302 302"),
        {"key": "no-such-upload-key-0000"},
    ),
    "clients:edit": Row("GET", "/clients/{client}/edit/", writes(200)),
    "clients:delete": Row("POST", "/clients/{client}/delete/", directs(302)),
    "clients:contract_create": Row("GET", "/clients/{client}/contract/new/", writes(200)),
    "clients:contract_edit": Row("GET", "/clients/{client}/contract/{contract}/", writes(200)),
    "clients:child_create": Row("GET", "/clients/{client}/contacts/new/", writes(200)),
    "clients:child_edit": Row("GET", "/clients/{client}/contacts/{contact}/", writes(200)),
    "clients:child_delete": Row(
        "POST", "/clients/{client}/contacts/{contact}/delete/", writes(302)
    ),
    "calendars:client_edit": Row("GET", "/clients/{client}/calendar/", writes(200)),
    "calendars:client_preview": Row("GET", "/clients/{client}/calendar/preview/", reads()),
    "calendars:client_default": Row("POST", "/clients/{client}/calendar/default/", writes(302)),
    "telegram:chats": Row("GET", "/telegram/", SIGNED_IN),
    "telegram:assign": Row(
        "POST",
        "/telegram/chats/{chat}/assign/",
        same("302 302 403 403 403 403 403 403 302 302"),
        {"c{chat}-client": "{client}"},
    ),
    "telegram:alerts_code": Row("POST", "/telegram/alerts/code/", SIGNED_IN_POST),
    "telegram:dismiss": Row("POST", "/telegram/chats/{lost}/dismiss/", writes(302)),
    "telegram:file": Row("GET", "/telegram/files/{file}/", reads()),
    "telegram:link_code": Row("POST", "/clients/{client}/telegram/link-code/", writes(302)),
    # --- e-mail: mailboxes are the administrators'; unknown senders the directors' (to anyone
    # else they are missing); a client's mail, files and failing addresses follow the client.
    "email:triage": Row("GET", "/email/", SIGNED_IN),
    "email:mailbox_add": Row(
        "POST",
        "/email/mailboxes/add/",
        same("302 403 403 403 403 403 403 403 302 302"),
        {
            "name": "Matrix 2",
            "from_address": "desk2@agency.test",
            "imap_host": "127.0.0.1",
            "imap_port": "1",
            "imap_security": "none",
            "imap_folder": "INBOX",
            "smtp_host": "127.0.0.1",
            "smtp_port": "1",
            "smtp_security": "none",
            "username": "u",
            "password": "pw-not-used",
            "is_active": "on",
        },
    ),
    "email:mailbox_edit": Row("GET", "/email/mailboxes/{mailbox}/", ADMINS),
    # The servers are a closed local port: the test fails at once and says so (200).
    "email:mailbox_test": Row(
        "POST", "/email/mailboxes/{mailbox}/test/", same("200 403 403 403 403 403 403 403 302 302")
    ),
    "email:assign": Row(
        "POST",
        "/email/unknown/{unknown}/assign/",
        same("302 302 404 404 404 404 404 404 302 302"),
        {"e{unknown}-client": "{client}"},
    ),
    "email:dismiss": Row(
        "POST", "/email/unknown/{unknown}/dismiss/", same("302 302 404 404 404 404 404 404 302 302")
    ),
    # {email_message} is the client's message recorded from an e-mail of its contact.
    "email:classification": Row(
        "POST",
        "/email/messages/{email_message}/classification/",
        writes(302),
        {"classification": "auto_reply"},
    ),
    # {failing} is the suppressed address of the client's contact.
    "email:suppression_clear": Row("POST", "/email/failing/{failing}/clear/", writes(302)),
    "email:file": Row("GET", "/email/files/{email_file}/", reads()),
    # /favicon.ico: a permanent redirect to the static icon, for everyone.
    "favicon": Row("GET", "/favicon.ico", same("301 301 301 301 301 301 301 301 301 301")),
    "javascript-catalog": Row("GET", "/jsi18n/", ANYONE),
    "api:openapi-json": Row("GET", "/api/v1/openapi.json", ANYONE),
    "api:openapi-view": Row("GET", "/api/v1/docs", ANYONE),
    "api:api-root": Row("GET", "/api/v1/", same("404 404 404 404 404 404 404 404 404 404")),
    # --- the back office (every admin URL name is covered by the admin rows below) -------------
    "admin:index": Row("GET", "/admin/", ADMIN_SITE),
    "admin:clients_client_changelist": Row("GET", "/admin/clients/client/", ADMIN_MODELS),
    "admin:clients_client_change": Row(
        "GET", "/admin/clients/client/{client}/change/", ADMIN_MODELS
    ),
    "admin:messaging_message_changelist": Row("GET", "/admin/messaging/message/", ADMIN_MODELS),
    "admin:commitments_commitment_changelist": Row(
        "GET", "/admin/commitments/commitment/", ADMIN_MODELS
    ),
    "admin:accounts_apitoken_changelist": Row("GET", "/admin/accounts/apitoken/", ADMIN_MODELS),
    # --- the API ---------------------------------------------------------------------------------
    "GET /api/v1/clients": Row("GET", "/api/v1/clients", API_SIGNED_IN),
    "POST /api/v1/clients": Row(
        "POST", "/api/v1/clients", API_CREATORS, {"name": "Новый клиент"}, json=True
    ),
    "GET /api/v1/clients/{client_id}": Row("GET", "/api/v1/clients/{client}", reads(out=API)),
    "PATCH /api/v1/clients/{client_id}": Row(
        "PATCH", "/api/v1/clients/{client}", writes(200, out=API), {"industry": "Банки"}, json=True
    ),
    "DELETE /api/v1/clients/{client_id}": Row(
        "DELETE", "/api/v1/clients/{client}", directs(204, out=API)
    ),
    "GET /api/v1/clients/{client_id}/export": Row(
        "GET", "/api/v1/clients/{client}/export", reads(out=API)
    ),
    "GET /api/v1/clients/{client_id}/contacts": Row(
        "GET", "/api/v1/clients/{client}/contacts", reads(out=API)
    ),
    "POST /api/v1/clients/{client_id}/contacts": Row(
        "POST",
        "/api/v1/clients/{client}/contacts",
        writes(201, out=API),
        {"name": "Ирина"},
        json=True,
    ),
    "GET /api/v1/contacts/{contact_id}": Row("GET", "/api/v1/contacts/{contact}", reads(out=API)),
    "PATCH /api/v1/contacts/{contact_id}": Row(
        "PATCH", "/api/v1/contacts/{contact}", writes(200, out=API), {"position": "CEO"}, json=True
    ),
    "DELETE /api/v1/contacts/{contact_id}": Row(
        "DELETE", "/api/v1/contacts/{contact}", writes(204, out=API)
    ),
    "POST /api/v1/messages": Row(
        "POST",
        "/api/v1/messages",
        writes(201, out=API),
        {
            "client": "{client}",
            "channel": "email",
            "direction": "out",
            "sent_at": "2026-03-10T10:00:00+03:00",
            "text": "Готово",
        },
        json=True,
    ),
    "PATCH /api/v1/messages/{message_id}": Row(
        "PATCH",
        "/api/v1/messages/{message}",
        writes(200, out=API),
        {"labels": {"needs_response": False}},
        json=True,
    ),
    "GET /api/v1/clients/{client_id}/messages": Row(
        "GET", "/api/v1/clients/{client}/messages", reads(out=API)
    ),
    "GET /api/v1/attention": Row("GET", "/api/v1/attention", API_SIGNED_IN),
    "POST /api/v1/attention/{item_id}/done": Row(
        "POST",
        "/api/v1/attention/{item}/done",
        writes(200, out=API),
        {"reason": "Ответили по телефону"},
        json=True,
    ),
    "POST /api/v1/attention/{item_id}/snooze": Row(
        "POST",
        "/api/v1/attention/{item}/snooze",
        writes(200, out=API),
        {"until": "{tomorrow}"},
        json=True,
    ),
    "POST /api/v1/attention/{item_id}/reassign": Row(
        "POST",
        "/api/v1/attention/{item}/reassign",
        writes(200, out=API),
        {"to": "boss"},
        json=True,
    ),
    "POST /api/v1/attention/{item_id}/actions/{code}": Row(
        "POST", "/api/v1/attention/{item}/actions/no_reply", writes(200, out=API)
    ),
    "POST /api/v1/clients/{client_id}/telegram/link-code": Row(
        "POST", "/api/v1/clients/{client}/telegram/link-code", writes(200, out=API)
    ),
    "POST /api/v1/telegram/webhook": Row(
        "POST", "/api/v1/telegram/webhook", WEBHOOK, {"update_id": 77}, json=True
    ),
    # --- deliverables: {deliverable} is the client's, owned by the specialist on its team and
    # reviewed by its account manager ({ready} passed its review); the owner may also work on it
    # (submit, deliver, at risk) but not edit it (status, PATCH).
    "work:list": Row("GET", "/deliverables/", SIGNED_IN),
    "work:new": Row("GET", "/deliverables/new/", SIGNED_IN),
    "work:detail": Row("GET", "/deliverables/{deliverable}/", reads()),
    "work:submit": Row("POST", "/deliverables/{deliverable}/submit/", OWNER_WORKS),
    "work:review": Row(
        "POST",
        "/deliverables/{deliverable}/review/",
        REVIEWS,
        {"passed": "0", "comment": "Поправить цифры"},
    ),
    "work:deliver": Row(
        "POST",
        "/deliverables/{ready}/deliver/",
        OWNER_WORKS,
        {"override_reason": ""},
    ),
    "work:at_risk": Row(
        "POST", "/deliverables/{deliverable}/at-risk/", OWNER_WORKS, {"reason": "Ждём данные"}
    ),
    "work:status": Row(
        "POST", "/deliverables/{deliverable}/status/", writes(302), {"status": "in_work"}
    ),
    # Who may see but not edit the client is sent back to the deliverable (302).
    "work:delay_notice": Row(
        "GET",
        "/deliverables/{deliverable}/delay-notice/",
        Access(
            codes("200 200 200 200 302 302 302 302 302 302"),
            codes("200 200 200 200 404 302 404 404 302 302"),
        ),
    ),
    "GET /api/v1/deliverables": Row("GET", "/api/v1/deliverables", API_SIGNED_IN),
    "POST /api/v1/deliverables": Row(
        "POST",
        "/api/v1/deliverables",
        writes(201, out=API),
        {
            "client": "{client}",
            "title": "Статья",
            "type": "press_release",
            "owner": "anna",
            "reviewer": "olga",
            "due_at": "{due_later}",
        },
        json=True,
    ),
    "GET /api/v1/deliverables/{deliverable_id}": Row(
        "GET", "/api/v1/deliverables/{deliverable}", reads(out=API)
    ),
    "PATCH /api/v1/deliverables/{deliverable_id}": Row(
        "PATCH",
        "/api/v1/deliverables/{deliverable}",
        writes(200, out=API),
        {"notes": "Проверить цифры"},
        json=True,
    ),
    "POST /api/v1/deliverables/{deliverable_id}/submit": Row(
        "POST", "/api/v1/deliverables/{deliverable}/submit", owner_works(200, out=API)
    ),
    "POST /api/v1/deliverables/{deliverable_id}/review": Row(
        "POST",
        "/api/v1/deliverables/{deliverable}/review",
        reviews(201, out=API),
        {"passed": False, "comment": "Поправить цифры"},
        json=True,
    ),
    "POST /api/v1/deliverables/{deliverable_id}/deliver": Row(
        "POST",
        "/api/v1/deliverables/{ready}/deliver",
        owner_works(200, out=API),
        {},
        json=True,
    ),
    "POST /api/v1/deliverables/{deliverable_id}/at-risk": Row(
        "POST",
        "/api/v1/deliverables/{deliverable}/at-risk",
        owner_works(200, out=API),
        {"reason": "Ждём данные"},
        json=True,
    ),
    "POST /api/v1/deliverables/{deliverable_id}/delay-notice": Row(
        "POST",
        "/api/v1/deliverables/{deliverable}/delay-notice",
        writes(201, out=API),
        {"new_due_at": "{due_later}", "reason": "Ждём данные"},
        json=True,
    ),
    # --- meetings: {meeting} had its minutes ({minutes}) sent; {draft} is another one's, unsent.
    "meetings:list": Row("GET", "/meetings/", SIGNED_IN),
    "meetings:new": Row("GET", "/meetings/new/", SIGNED_IN),
    "meetings:detail": Row("GET", "/meetings/{meeting}/", reads()),
    "meetings:minutes": Row("GET", "/meetings/{meeting}/minutes/", writes(200)),
    "meetings:send": Row("POST", "/meetings/minutes/{draft}/send/", writes(302)),
    "meetings:point": Row("GET", "/meetings/points/{point}/", reads(302)),
    "meetings:call_confirmation": Row("GET", "/meetings/calls/{call}/", writes(200)),
    # The participant's link and the calendar feed: their token is the right, not a login.
    "meetings:confirm": Row("GET", "/minutes/{minutes_token}/", ANYONE),
    "meetings:feed": Row("GET", "/calendar/{feed_token}.ics", ANYONE),
    "meetings:feed_new": Row("POST", "/calendar/feed/new/", SIGNED_IN_POST),
    "meetings:feed_revoke": Row("POST", "/calendar/feed/revoke/", SIGNED_IN_POST),
    "POST /api/v1/meetings": Row(
        "POST",
        "/api/v1/meetings",
        writes(201, out=API),
        {"client": "{client}", "title": "Статус", "starts_at": "{tomorrow}"},
        json=True,
    ),
    "GET /api/v1/meetings/{meeting_id}": Row("GET", "/api/v1/meetings/{meeting}", reads(out=API)),
    "POST /api/v1/meetings/{meeting_id}/minutes": Row(
        "POST",
        "/api/v1/meetings/{meeting}/minutes",
        writes(201, out=API),
        {"held_at": "{held_at}", "decisions": ["Запуск 10 марта"]},
        json=True,
    ),
    "POST /api/v1/deliverable-schedules": Row(
        "POST",
        "/api/v1/deliverable-schedules",
        writes(201, out=API),
        {
            "client": "{client}",
            "title": "Дайджест",
            "type": "press_release",
            "owner": "anna",
            "reviewer": "olga",
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "time": "10:00",
        },
        json=True,
    ),
    # --- approvals: {approval} is the client's request on {ready}, its round {round} with a file;
    # the approver's link pages answer a token, never a person: a bad one is 404 for everyone.
    "approvals:link": Row(
        "GET", "/approve/not-a-token/", same("404 404 404 404 404 404 404 404 404 404")
    ),
    "approvals:link_file": Row(
        "GET", "/approve/not-a-token/file/1/", same("404 404 404 404 404 404 404 404 404 404")
    ),
    "approvals:send": Row(
        "POST",
        "/deliverables/{deliverable}/approvals/send/",
        writes(302),
        {"approvers": "{contact}", "material_url": "https://files.example/a.pdf"},
    ),
    "approvals:amount": Row(
        "POST", "/deliverables/{deliverable}/amount/", writes(302), {"amount": "1000"}
    ),
    "approvals:launch": Row("POST", "/deliverables/{deliverable}/launch/", writes(302)),
    "approvals:round": Row(
        "POST",
        "/approvals/{approval}/rounds/",
        writes(302),
        {"material_url": "https://files.example/b.pdf"},
    ),
    "approvals:decision": Row(
        "POST",
        "/approvals/{approval}/decisions/",
        writes(302),
        {"contact": "{contact}", "decision": "approved", "channel": "call"},
    ),
    "approvals:file": Row("GET", "/approvals/rounds/{round}/file/", reads()),
    "approvals:taste": Row(
        "POST", "/approvals/decisions/{decision}/taste/", writes(302), {"taste_driven": "1"}
    ),
    "POST /api/v1/approvals": Row(
        "POST",
        "/api/v1/approvals",
        writes(201, out=API),
        {
            "deliverable": "{deliverable}",
            "approvers": ["{contact}"],
            "material_url": "https://files.example/a.pdf",
        },
        json=True,
    ),
    "GET /api/v1/approvals/{approval_id}": Row(
        "GET", "/api/v1/approvals/{approval}", reads(out=API)
    ),
    "POST /api/v1/approvals/{approval_id}/decisions": Row(
        "POST",
        "/api/v1/approvals/{approval}/decisions",
        writes(201, out=API),
        {"contact": "{contact}", "decision": "approved", "channel": "call"},
        json=True,
    ),
    "POST /api/v1/approvals/{approval_id}/rounds": Row(
        "POST",
        "/api/v1/approvals/{approval}/rounds",
        writes(201, out=API),
        {"material_url": "https://files.example/b.pdf"},
        json=True,
    ),
    "POST /api/v1/deliverables/{deliverable_id}/launch": Row(
        "POST", "/api/v1/deliverables/{deliverable}/launch", writes(200, out=API)
    ),
}

# Admin URL names the rows above stand for: the same admin site, the same staff check.
ADMIN_NAME_PREFIX = "admin:"
# The API's URL names other than its operations (which are rows of their own, by schema path).
API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                names.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver(), "")
    return names


def _operations() -> set[str]:
    from agencydesk.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_page_and_operation_has_a_row():
    pages = {
        n
        for n in _url_names()
        if not n.startswith(ADMIN_NAME_PREFIX) and (not n.startswith("api:") or n in API_PAGES)
    }
    operations = _operations()
    declared = set(TABLE)
    missing = (pages | operations) - declared
    assert not missing, f"declare who may use these in TABLE: {sorted(missing)}"
    admin_rows = {n for n in declared if n.startswith(ADMIN_NAME_PREFIX)}
    stale = declared - pages - operations - admin_rows
    assert not stale, f"rows for pages or operations that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(db, settings):
    """Every role, an ordinary and a confidential client with one of everything, a fake Bot API."""
    from agencydesk.accounts.services import api_token_create
    from agencydesk.accounts.tests.factories import UserFactory
    from agencydesk.clients.models import Contract
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
    from agencydesk.integrations.telegram.models import TelegramAttachment, TelegramChat
    from agencydesk.integrations.telegram.testing import FakeBotApi
    from agencydesk.messaging.services import message_record

    server = FakeBotApi().start()
    settings.TELEGRAM_BOT_TOKEN = server.token
    settings.TELEGRAM_API_URL = server.url
    settings.TELEGRAM_WEBHOOK_SECRET = "matrix-secret"
    server.files["file-1"] = b"%PDF-1.4 brief"
    now = timezone.now()
    people = {
        "admin": UserFactory(username="root", role="admin", is_staff=True, is_superuser=True),
        "director": UserFactory(username="boss", role="director", is_staff=True),
        "am": UserFactory(username="olga", role="account_manager"),
        "backup": UserFactory(username="ivan", role="account_manager"),
        "other_am": UserFactory(username="maria", role="account_manager"),
        "spec_on": UserFactory(username="anna", role="specialist"),
        "spec_off": UserFactory(username="petr", role="specialist"),
        "finance": UserFactory(username="vera", role="finance"),
        "revoked": UserFactory(username="gone", role="director", is_staff=True),
    }
    objects: dict[str, dict[str, Any]] = {}
    for n, which in enumerate(("ordinary", "confidential")):
        client = ClientFactory(
            name=f"{which} client",
            confidential=which == "confidential",
            account_manager=people["am"],
            backup_manager=people["backup"],
        )
        client.team.add(people["spec_on"])
        contact = ContactFactory(client=client, name="Ирина", email=f"irina{n}@client.example")
        contract = Contract.objects.create(client=client, starts_on=dt.date(2026, 1, 1))
        recorded = message_record(
            client=client,
            channel="telegram",
            direction="in",
            sent_at=now,
            text="Когда будет макет?",
            at=now,
        )
        message = recorded.message
        attachment = TelegramAttachment.objects.create(
            message=message,
            kind="document",
            file_id="file-1",
            file_unique_id=f"u{n}",
            file_name="brief.pdf",
        )
        chat = TelegramChat.objects.create(
            chat_id=-100_000 - n, type="supergroup", title=f"Unassigned {n}", first_seen_at=now
        )
        # The client's group the bot was removed from: its item in Today may be dismissed.
        lost = TelegramChat.objects.create(
            chat_id=-200_000 - n,
            type="supergroup",
            title=f"Lost {n}",
            client=client,
            first_seen_at=now,
            linked_at=now,
            disconnected_at=now,
        )
        objects[which] = {
            "client": client.pk,
            "lost": lost.pk,
            "contact": contact.pk,
            "contract": contract.pk,
            "message": message.pk,
            "item": recorded.first_response.pk,
            "tomorrow": (now + dt.timedelta(days=1)).isoformat(),
            "file": attachment.pk,
            "chat": chat.pk,
        }
    # --- e-mail: one mailbox (agency-wide, its servers a closed local port: a test fails fast);
    # per client a recorded mail from its contact with a file, an unknown sender's mail and a
    # failing (suppressed) address of its contact.
    from email.message import EmailMessage

    from agencydesk.clients.models import Client as ClientModel
    from agencydesk.integrations.email.inbound import email_store
    from agencydesk.integrations.email.models import Suppression
    from agencydesk.integrations.email.services import mailbox_save

    settings.EMAIL_CONNECT_TIMEOUT = 1
    mailbox = mailbox_save(
        mailbox=None,
        values={
            "name": "Matrix",
            "imap_host": "127.0.0.1",
            "imap_port": 1,
            "imap_security": "none",
            "username": "u",
            "smtp_host": "127.0.0.1",
            "smtp_port": 1,
            "smtp_security": "none",
            "from_address": "desk@agency.test",
        },
        password="pw-not-used",
        at=now,
    )

    def mail(n: int, sender: str, kind: str) -> bytes:
        raw = EmailMessage()
        raw["From"] = sender
        raw["To"] = "desk@agency.test"
        raw["Subject"] = "Макет"
        raw["Message-ID"] = f"<{kind}-{n}@matrix.test>"
        raw["Date"] = "Tue, 10 Mar 2026 10:00:00 +0300"
        raw.set_content("Когда будет макет?")
        if kind == "known":
            raw.add_attachment(
                b"%PDF-1.4 brief", maintype="application", subtype="pdf", filename="brief.pdf"
            )
        return raw.as_bytes()

    for n, which in enumerate(objects):
        client = ClientModel.objects.get(pk=objects[which]["client"])
        known = email_store(
            mailbox=mailbox, raw=mail(n, f"irina{n}@client.example", "known"), uid=None, at=now
        ).email
        assert known.record is not None and known.client_id == client.pk
        unknown = email_store(
            mailbox=mailbox,
            raw=mail(n, f"stranger{n}@elsewhere.example", "unknown"),
            uid=None,
            at=now,
        ).email
        assert unknown.state == "unknown"
        failing = Suppression.objects.create(
            address=f"irina{n}@client.example",
            reason="550 no such user",
            contact=client.contacts.get(email=f"irina{n}@client.example"),
            created_at=now,
        )
        objects[which].update(
            {
                "mailbox": mailbox.pk,
                "email_message": known.record_id,
                "email_file": known.attachments.get().pk,
                "unknown": unknown.pk,
                "failing": failing.pk,
            }
        )
    # --- deliverables (work app): per client one in work, owned by the specialist on the team
    # and reviewed by the account manager, due on a working Wednesday in March 2027.
    from agencydesk.approvals import services as approval_services
    from agencydesk.approvals.files import Upload
    from agencydesk.work import services as work_services
    from agencydesk.work.models import DeliverableType

    press_release = DeliverableType.objects.get(code="press_release")
    for which in objects:
        client = ClientModel.objects.get(pk=objects[which]["client"])
        deliverable = work_services.deliverable_create(
            client=client,
            title="Пресс-релиз",
            type=press_release,
            owner=people["spec_on"],
            reviewer=people["am"],
            due_at=dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
            by=people["director"],
            at=now,
        ).deliverable
        objects[which]["deliverable"] = deliverable.pk
        # {ready}: a second one that passed its review, so the allowed roles may deliver it.
        ready = work_services.deliverable_create(
            client=client,
            title="Пресс-релиз готов",
            type=press_release,
            owner=people["spec_on"],
            reviewer=people["am"],
            due_at=dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
            by=people["director"],
            at=now,
        ).deliverable
        work_services.deliverable_submit(deliverable=ready, by=people["spec_on"], at=now)
        work_services.deliverable_review(
            deliverable=ready,
            by=people["am"],
            at=now,
            passed=True,
            comment="",
            checklist=dict.fromkeys(press_release.checklist_items(), True),
        )
        objects[which]["ready"] = ready.pk
        objects[which]["due_later"] = "2027-03-11T12:00:00+03:00"
        # {approval}: the client's contact asked to approve {ready}, its round {round} a file.
        # A second approver already told the account manager on a call: {decision}.
        oleg = ContactFactory(client=client, name="Олег", email=f"oleg-{which}@client.example")
        sent = approval_services.approval_request_create(
            deliverable=ready,
            approvers=[client.contacts.get(pk=objects[which]["contact"]), oleg],
            file=Upload("plan.pdf", b"%PDF-1.4 plan"),
            by=people["am"],
            at=now,
            base_url="http://testserver/",
        )
        objects[which]["approval"] = sent.request.pk
        objects[which]["round"] = sent.round.pk
        objects[which]["decision"] = approval_services.approval_decide(
            request=sent.request,
            round_number=1,
            contact=oleg,
            verdict="changes_requested",
            comment="Другой шрифт",
            channel="call",
            by=people["am"],
            at=now,
        ).pk
        # The request's links went out in the client's chat, which answered its earlier
        # message: {item} is the reply timer of a message the client writes after them.
        later = message_record(
            client=client,
            channel="telegram",
            direction="in",
            sent_at=now,
            text="Посмотрим ссылку, а когда будет макет?",
            at=now,
        )
        objects[which]["item"] = later.first_response.pk
    # --- meetings: per client a meeting held five days ago with its minutes sent to the contact
    # ({minutes_token} is the contact's link), a second one with draft minutes ({draft}) to send;
    # the account manager's calendar feed ({feed_token}).
    from agencydesk.meetings import confirmations as meeting_confirmations
    from agencydesk.meetings import services as meeting_services
    from agencydesk.meetings.feed import feed_token_create

    _feed, feed_raw = feed_token_create(user=people["am"], at=now)
    for which in objects:
        client = ClientModel.objects.get(pk=objects[which]["client"])
        contact = client.contacts.order_by("pk").first()
        planned_at, held_at = now - dt.timedelta(days=10), now - dt.timedelta(days=5)
        minutes_of = {}
        for name in ("minutes", "draft"):
            meeting = meeting_services.meeting_create(
                client=client,
                title="Статус",
                starts_at=held_at,
                duration_minutes=60,
                contacts=[contact],
                by=people["director"],
                at=planned_at,
            ).meeting
            minutes_of[name] = meeting_services.minutes_save(
                meeting=meeting,
                by=people["director"],
                at=now,
                decisions=["Запуск 10 марта"],
                actions=[],
            )
        # Sent without a message: a reply in the client's conversation would meet {item}.
        sent = minutes_of["minutes"]
        type(sent).objects.filter(pk=sent.pk).update(
            state="sent", sent_version=1, sent_at=now, confirm_due_at=now + dt.timedelta(days=2)
        )
        sent.refresh_from_db()
        link_url = meeting_confirmations.minutes_link(
            minutes=sent, contact=contact, base_url="http://testserver/"
        )
        logged_call = message_record(
            client=client,
            channel="phone",
            direction="in",
            sent_at=now,
            text="Запуск 10 марта",
            at=now,
            needs_response=False,
        ).message
        objects[which].update(
            {
                "call": logged_call.pk,
                "meeting": minutes_of["minutes"].meeting_id,
                "minutes": minutes_of["minutes"].pk,
                "draft": minutes_of["draft"].pk,
                "point": minutes_of["minutes"].points.get().pk,
                "held_at": held_at.isoformat(),
                "minutes_token": link_url.rsplit("/minutes/", 1)[1].strip("/"),
                "feed_token": feed_raw,
            }
        )
    # --- the team: the backup's page, and days away of theirs next month.
    from agencydesk.accounts.services import absence_add

    away = absence_add(
        person=people["backup"],
        by=people["backup"],
        starts_on=(now + dt.timedelta(days=60)).date(),
        ends_on=(now + dt.timedelta(days=62)).date(),
        at=now,
    )
    for which in objects:
        objects[which].update(
            {
                "person": people["backup"].pk,
                "absence": away.pk,
                "away_from": (now + dt.timedelta(days=30)).date().isoformat(),
                "away_to": (now + dt.timedelta(days=31)).date().isoformat(),
            }
        )
    web = {}
    api = {}
    for role, user in people.items():
        web[role] = HttpClient(raise_request_exception=False)
        web[role].force_login(user)
        token, raw = api_token_create(user=user, at=now)
        if role == "am":
            for which in objects:
                objects[which]["token"] = token.pk
        api[role] = HttpClient(
            raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"}
        )
    web["anon"] = HttpClient(raise_request_exception=False)
    api["anon"] = HttpClient(raise_request_exception=False)
    # The revoked person: deactivated after signing in; the token revoked after it was issued.
    type(people["revoked"]).objects.filter(pk=people["revoked"].pk).update(is_active=False)
    people["revoked"].api_tokens.update(revoked_at=now)
    try:
        yield {"web": web, "api": api, "objects": objects}
    finally:
        server.stop()


def _fill(value: Any, objects: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**objects)
    if isinstance(value, dict):
        return {_fill(k, objects): _fill(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, objects) for v in value]
    return value


def _call(http: HttpClient, row: Row, objects: dict[str, Any]) -> int:
    path = _fill(row.path, objects)
    data = _fill(row.data, objects)
    if isinstance(data, dict) and "client" in data and isinstance(data["client"], str):
        data["client"] = int(data["client"])
    kwargs: dict[str, Any] = {}
    if row.method == "POST" and path.endswith("/telegram/webhook"):
        kwargs["headers"] = {"X-Telegram-Bot-Api-Secret-Token": "matrix-secret"}
    call = getattr(http, row.method.lower())
    if row.json:
        response = call(path, data, content_type="application/json", **kwargs)
    elif row.method in ("PATCH", "DELETE"):
        response = call(path, **kwargs)
    else:
        response = call(path, data or {}, **kwargs)
    return response.status_code


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_role_gets_the_declared_answer(world, name):
    row = TABLE[name]
    wrong = []
    for which in ("ordinary", "confidential"):
        expected = getattr(row.access, which)
        for role in ROLES:
            clients = world["api"] if row.path.startswith("/api/v1/") else world["web"]
            # Each cell runs on the same data: what one call changes is rolled back.
            with transaction.atomic():
                got = _call(clients[role], row, world["objects"][which])
                transaction.set_rollback(True)
            if got != expected[role]:
                wrong.append(f"{which} client, {role}: expected {expected[role]}, got {got}")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)
