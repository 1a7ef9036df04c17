"""Writes of a client's dossier: contacts, key events, monitoring topics, working-file links, contracts.

Every service takes the row and the new values as typed keyword arguments
(never a form) and reads the row again, locked, inside its transaction before
setting anything: the audit row's "before" is what was stored, whatever the
caller's copy held in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.clients.models import (
    Client,
    Contact,
    Contract,
    ContractService,
    KeyEvent,
    MonitoringTopic,
    Service,
    WorkingFileLink,
)
from agencydesk.core.services import audit_record, diff_snapshots, model_snapshot

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from agencydesk.accounts.models import User

Record = TypeVar("Record", Contact, KeyEvent, MonitoringTopic, WorkingFileLink, Contract)


class ContactFields(TypedDict, total=False):
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


class KeyEventFields(TypedDict, total=False):
    title: str
    kind: str
    date: date
    prep_lead_days: int
    notes: str


class MonitoringTopicFields(TypedDict, total=False):
    topic: str
    keywords: str


class WorkingFileLinkFields(TypedDict, total=False):
    title: str
    kind: str
    url: str
    position: int


class ContractFields(TypedDict, total=False):
    number: str
    starts_on: date
    ends_on: date | None
    revision_rounds: int
    approval_turnaround_days: int
    payment_terms: str
    payment_days: int
    monthly_fee: Decimal
    currency: str
    notes: str


class ServiceLine(NamedTuple):
    """One service a contract includes, with its monthly volume and the unit it is counted in."""

    service: Service
    monthly_volume: Decimal | None
    unit: str


def _create(record: Record, *, by: User | None, at: datetime, fields: Mapping[str, Any]) -> Record:
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    audit_record(
        actor=by,
        action=f"{record._meta.model_name}.create",
        obj=record,
        client_id=record.client_id,
        changes=model_snapshot(record),
        at=at,
    )
    return record


def _update(record: Record, *, by: User | None, at: datetime, fields: Mapping[str, Any]) -> Record:
    record.refresh_from_db(from_queryset=type(record)._default_manager.select_for_update())
    before = model_snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    changes = diff_snapshots(before, model_snapshot(record))
    if changes:
        audit_record(
            actor=by,
            action=f"{record._meta.model_name}.update",
            obj=record,
            client_id=record.client_id,
            changes=changes,
            at=at,
        )
    return record


@transaction.atomic
def contact_create(
    *, client: Client, by: User | None, at: datetime, **fields: Unpack[ContactFields]
) -> Contact:
    return _create(Contact(client=client), by=by, at=at, fields=fields)


@transaction.atomic
def contact_update(
    *, contact: Contact, by: User | None, at: datetime, **fields: Unpack[ContactFields]
) -> Contact:
    """Change the given fields of a contact; the others stay as stored."""
    return _update(contact, by=by, at=at, fields=fields)


@transaction.atomic
def key_event_create(
    *, client: Client, by: User | None, at: datetime, **fields: Unpack[KeyEventFields]
) -> KeyEvent:
    return _create(KeyEvent(client=client), by=by, at=at, fields=fields)


@transaction.atomic
def key_event_update(
    *, key_event: KeyEvent, by: User | None, at: datetime, **fields: Unpack[KeyEventFields]
) -> KeyEvent:
    return _update(key_event, by=by, at=at, fields=fields)


@transaction.atomic
def monitoring_topic_create(
    *, client: Client, by: User | None, at: datetime, **fields: Unpack[MonitoringTopicFields]
) -> MonitoringTopic:
    return _create(MonitoringTopic(client=client), by=by, at=at, fields=fields)


@transaction.atomic
def monitoring_topic_update(
    *,
    monitoring_topic: MonitoringTopic,
    by: User | None,
    at: datetime,
    **fields: Unpack[MonitoringTopicFields],
) -> MonitoringTopic:
    return _update(monitoring_topic, by=by, at=at, fields=fields)


@transaction.atomic
def working_file_link_create(
    *, client: Client, by: User | None, at: datetime, **fields: Unpack[WorkingFileLinkFields]
) -> WorkingFileLink:
    return _create(WorkingFileLink(client=client), by=by, at=at, fields=fields)


@transaction.atomic
def working_file_link_update(
    *,
    working_file_link: WorkingFileLink,
    by: User | None,
    at: datetime,
    **fields: Unpack[WorkingFileLinkFields],
) -> WorkingFileLink:
    return _update(working_file_link, by=by, at=at, fields=fields)


@transaction.atomic
def dossier_record_delete(
    *,
    record: Contact | KeyEvent | MonitoringTopic | WorkingFileLink | Contract,
    by: User | None,
    at: datetime,
) -> None:
    """Remove one record of a client's dossier; the audit row keeps what it held."""
    audit_record(
        actor=by,
        action=f"{record._meta.model_name}.delete",
        obj=record,
        client_id=record.client_id,
        changes=model_snapshot(record),
        at=at,
    )
    record.delete()


@transaction.atomic
def contract_create(
    *,
    client: Client,
    by: User | None,
    at: datetime,
    services: Sequence[ServiceLine] = (),
    **fields: Unpack[ContractFields],
) -> Contract:
    """A new contract of ``client`` with the services it includes."""
    _check_lines(services)
    contract = _create(Contract(client=client), by=by, at=at, fields=fields)
    if services:
        _lines_replace(contract, services, by=by, at=at)
    return contract


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    by: User | None,
    at: datetime,
    services: Sequence[ServiceLine] | None = None,
    **fields: Unpack[ContractFields],
) -> Contract:
    """Change the given fields of a contract and, when ``services`` is given, its service lines."""
    if services is not None:
        _check_lines(services)
    saved = _update(contract, by=by, at=at, fields=fields)
    if services is not None:
        _lines_replace(saved, services, by=by, at=at)
    return saved


def _check_lines(lines: Sequence[ServiceLine]) -> None:
    seen: set[int] = set()
    for line in lines:
        if line.service.pk in seen:
            raise ValidationError(
                {"services": _("%(service)s is listed twice.") % {"service": line.service}}
            )
        seen.add(line.service.pk)


def _lines_replace(
    contract: Contract, lines: Sequence[ServiceLine], *, by: User | None, at: datetime
) -> None:
    before = _service_lines(contract)
    contract.services.all().delete()
    for service, volume, unit in lines:
        line = ContractService(contract=contract, service=service, monthly_volume=volume, unit=unit)
        line.full_clean()
        line.save()
    after = _service_lines(contract)
    if after != before:
        audit_record(
            actor=by,
            action="contract.services",
            obj=contract,
            client_id=contract.client_id,
            changes={"services": [before, after]},
            at=at,
        )


def _service_lines(contract: Contract) -> list[list[str]]:
    """The contract's services as the audit log keeps them: code, monthly volume, unit."""
    return [
        [
            line.service.code,
            "" if line.monthly_volume is None else str(line.monthly_volume),
            line.unit,
        ]
        for line in contract.services.select_related("service").order_by("service__code")
    ]
