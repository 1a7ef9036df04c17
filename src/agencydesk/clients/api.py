"""REST endpoints of the client register: clients and contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from agencydesk.accounts.permissions import (
    can_create_client,
    can_delete_client,
    can_edit_client,
)
from agencydesk.calendars.selectors import calendar_default
from agencydesk.clients import dossier, selectors, services
from agencydesk.clients.access import can_view_client
from agencydesk.clients.models import Client, Contact
from agencydesk.core.schemas import TimeZoneName, text
from agencydesk.core.selectors import one_or_none
from agencydesk.core.validators import NAME_MAX_LENGTH, NOTES_MAX_LENGTH

router = Router(tags=["clients"])

StatusName = Literal["prospect", "active", "paused", "ended"]
LanguageName = Literal["ru", "uk", "bg", "en", "kk"]
ChannelName = Literal["telegram", "email", "phone", "meeting", "other"]
AddressFormName = Literal["formal", "informal"]
DecisionName = Literal["decides", "approves", "informs"]


class ClientPatch(Schema):
    name: text(NAME_MAX_LENGTH, 1) | None = None  # type: ignore[valid-type]
    industry: text(120) | None = None  # type: ignore[valid-type]
    business_summary: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    reputation_notes: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    goals: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    target_audiences: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    key_messages: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    status: StatusName | None = None
    language: LanguageName | None = None
    timezone: TimeZoneName | None = Field(None, description="IANA time zone, e.g. Europe/Moscow")
    working_hours: text(300) | None = Field(  # type: ignore[valid-type]
        None, description="Weekly hours, e.g. 'mon-thu 09:00-13:00,14:00-18:00; fri 09:00-16:45'"
    )
    holidays_country: text(2) | None = Field(  # type: ignore[valid-type]
        None, description="ISO country of public holidays (RU, UA, BG, KZ, GB…); null for none"
    )
    account_manager: text(150) | None = Field(None, description="username")  # type: ignore[valid-type]
    backup_manager: text(150) | None = Field(None, description="username")  # type: ignore[valid-type]
    confidential: bool | None = None
    preferred_channel: ChannelName | None = None
    address_form: AddressFormName | None = None
    emoji_allowed: bool | None = None
    memes_allowed: bool | None = None
    weekends_allowed: bool | None = None
    calls_need_arrangement: bool | None = None
    meeting_cadence_days: int | None = Field(None, ge=1, le=365)
    topics_to_avoid: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    etiquette_notes: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    crisis_mode: bool | None = None
    first_response_minutes: int | None = Field(None, ge=1, le=10_000)
    urgent_response_minutes: int | None = Field(None, ge=1, le=10_000)
    ack_delay_minutes: int | None = Field(None, ge=1, le=10_000)
    keep_in_touch_days: int | None = Field(None, ge=2, le=365)
    follow_up_hours: int | None = Field(None, ge=1, le=1000)


class ClientIn(ClientPatch):
    name: text(NAME_MAX_LENGTH, 1)  # type: ignore[valid-type]


class ClientOut(Schema):
    id: int
    name: str
    industry: str
    business_summary: str
    reputation_notes: str
    goals: str
    target_audiences: str
    key_messages: str
    status: str
    language: str
    timezone: str
    working_hours: str
    holidays_country: str | None
    own_calendar: bool
    account_manager: str | None
    backup_manager: str | None
    confidential: bool
    preferred_channel: str
    address_form: str
    emoji_allowed: bool
    memes_allowed: bool
    weekends_allowed: bool
    calls_need_arrangement: bool
    meeting_cadence_days: int | None
    topics_to_avoid: str
    etiquette_notes: str
    crisis_mode: bool
    first_response_minutes: int
    urgent_response_minutes: int
    ack_delay_minutes: int
    keep_in_touch_days: int
    follow_up_hours: int
    created_at: datetime
    updated_at: datetime


class ClientList(Schema):
    count: int
    items: list[ClientOut]


class ContactPatch(Schema):
    name: text(NAME_MAX_LENGTH, 1) | None = None  # type: ignore[valid-type]
    position: text(200) | None = None  # type: ignore[valid-type]
    decision_power: DecisionName | None = None
    email: text(254) | None = None  # type: ignore[valid-type]
    phone: text(40) | None = None  # type: ignore[valid-type]
    telegram_username: text(64) | None = None  # type: ignore[valid-type]
    preferred_channel: ChannelName | Literal[""] | None = None
    address_form: AddressFormName | Literal[""] | None = None
    address_as: text(120) | None = None  # type: ignore[valid-type]
    is_primary: bool | None = None
    notes: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]


class ContactIn(ContactPatch):
    name: text(NAME_MAX_LENGTH, 1)  # type: ignore[valid-type]


class ContactOut(Schema):
    id: int
    client: int
    name: str
    position: str
    decision_power: str
    email: str
    phone: str
    telegram_username: str
    preferred_channel: str
    address_form: str
    address_as: str
    is_primary: bool
    notes: str


class ContactList(Schema):
    count: int
    items: list[ContactOut]


class Error(Schema):
    detail: Any


# Every operation may answer these; documenting them keeps the schema honest.
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}


def client_out(client: Client, default_calendar: Any = None) -> dict[str, Any]:
    calendar = client.calendar if client.calendar_id else (default_calendar or calendar_default())
    data = {name: getattr(client, name) for name in ClientOut.model_fields if hasattr(client, name)}
    data.update(
        timezone=calendar.timezone,
        working_hours=calendar.hours,
        holidays_country=calendar.country or None,
        own_calendar=client.calendar_id is not None,
        account_manager=client.account_manager.username if client.account_manager else None,
        backup_manager=client.backup_manager.username if client.backup_manager else None,
    )
    return data


CLIENT_RELATED = ("account_manager", "backup_manager", "calendar")


def contact_out(contact: Contact) -> dict[str, Any]:
    data = {name: getattr(contact, name) for name in ContactOut.model_fields if name != "client"}
    data["client"] = contact.client_id
    return data


def visible_client(
    request: HttpRequest,
    client_id: int,
    related: tuple[str, ...] = CLIENT_RELATED,
    *,
    missing: str | None = None,
) -> Client:
    """The client if the caller may see it; a hidden one answers exactly like a missing one.

    ``missing`` is the 404 text when the client stands for something else the
    caller asked for (a contact of it): the answer then names that, never the client.
    """
    # One row by its key, then the rule's per-object answer (no query for an ordinary
    # client): cheaper on every ingest than a lookup through the visibility join.
    client = one_or_none(Client.objects.select_related(*related).filter(pk=client_id))
    if client is None or not can_view_client(request.user, client):  # type: ignore[arg-type]
        raise Http404(missing or f"no client {client_id}")
    return client


def editable_client(
    request: HttpRequest,
    client_id: int,
    related: tuple[str, ...] = CLIENT_RELATED,
    *,
    missing: str | None = None,
) -> Client:
    """The client if the caller may change it (the same right as the web forms ask); else 404/403."""
    client = visible_client(request, client_id, related, missing=missing)
    if not can_edit_client(request.user, client):  # type: ignore[arg-type]
        raise PermissionDenied("only directors and this client's account managers edit it")
    return client


@router.get("/clients", response={200: ClientList, **ERRORS}, summary="List clients")
def list_clients(
    request: HttpRequest,
    search: str = Query("", max_length=200),
    status: StatusName | None = None,
    account_manager: str | None = Query(None, max_length=150, description="username"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    qs = selectors.client_list(user=request.user, search=search, status=status or "")  # type: ignore[arg-type]
    if account_manager:
        qs = qs.filter(account_manager__username=account_manager)
    qs = qs.select_related("backup_manager")
    default = calendar_default()
    return {
        "count": qs.count(),
        "items": [client_out(c, default) for c in qs[offset : offset + limit]],
    }


@router.post("/clients", response={201: ClientOut, **ERRORS}, summary="Create a client")
def create_client(request: HttpRequest, payload: ClientIn) -> Status:
    if not can_create_client(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("only directors and account managers create clients")
    data = payload.model_dump(exclude_unset=True)
    client = services.client_create(by=request.user, at=timezone.now(), **data)  # type: ignore[arg-type]
    return Status(201, client_out(client))


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS}, summary="One client")
def get_client(request: HttpRequest, client_id: int) -> dict[str, Any]:
    return client_out(visible_client(request, client_id))


@router.patch(
    "/clients/{client_id}",
    response={200: ClientOut, **ERRORS},
    summary="Change a client",
)
def patch_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> dict[str, Any]:
    client = editable_client(request, client_id)
    data = payload.model_dump(exclude_unset=True)
    client = services.client_update(client=client, by=request.user, at=timezone.now(), **data)  # type: ignore[arg-type]
    return client_out(client)


@router.delete("/clients/{client_id}", response={204: None, **ERRORS}, summary="Delete a client")
def delete_client(request: HttpRequest, client_id: int) -> Status:
    client = visible_client(request, client_id)
    if not can_delete_client(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("only directors delete clients")
    services.client_delete(client=client, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    return Status(204, None)


@router.get(
    "/clients/{client_id}/export",
    response={200: dict[str, Any], **ERRORS},
    summary="Everything recorded about one client, as JSON",
)
def export_client(request: HttpRequest, client_id: int) -> dict[str, Any]:
    client = visible_client(request, client_id)
    return selectors.client_export(user=request.user, client=client)  # type: ignore[arg-type]


@router.get(
    "/clients/{client_id}/contacts", response={200: ContactList, **ERRORS}, summary="Contacts"
)
def list_contacts(request: HttpRequest, client_id: int) -> dict[str, Any]:
    client = visible_client(request, client_id)
    contacts = list(client.contacts.all())
    return {"count": len(contacts), "items": [contact_out(c) for c in contacts]}


@router.post(
    "/clients/{client_id}/contacts",
    response={201: ContactOut, **ERRORS},
    summary="Add a contact",
)
def create_contact(request: HttpRequest, client_id: int, payload: ContactIn) -> Status:
    client = editable_client(request, client_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    contact = dossier.contact_create(client=client, by=request.user, at=timezone.now(), **data)  # type: ignore[arg-type]
    return Status(201, contact_out(contact))


def _contact(request: HttpRequest, contact_id: int, *, edit: bool) -> Contact:
    missing = f"no contact {contact_id}"
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        raise Http404(missing)
    find = editable_client if edit else visible_client
    client = find(request, contact.client_id, missing=missing)
    contact.client = client
    return contact


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, summary="One contact")
def get_contact(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    return contact_out(_contact(request, contact_id, edit=False))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **ERRORS},
    summary="Change a contact",
)
def patch_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> dict[str, Any]:
    contact = _contact(request, contact_id, edit=True)
    data = payload.model_dump(exclude_unset=True)
    for key, value in list(data.items()):
        if value is None and key != "is_primary":
            data[key] = ""
        elif value is None:
            data.pop(key)
    if data.get("name") == "":
        data.pop("name")
    contact = dossier.contact_update(contact=contact, by=request.user, at=timezone.now(), **data)  # type: ignore[arg-type]
    return contact_out(contact)


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, **ERRORS},
    summary="Remove a contact",
)
def delete_contact(request: HttpRequest, contact_id: int) -> Status:
    contact = _contact(request, contact_id, edit=True)
    dossier.dossier_record_delete(record=contact, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    return Status(204, None)
