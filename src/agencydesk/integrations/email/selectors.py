"""Reads of the e-mail connector, each for the person asking (what they may not see is missing)."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet

from agencydesk.accounts.models import User
from agencydesk.clients.access import clients_visible_to
from agencydesk.integrations.email.choices import InboundState
from agencydesk.integrations.email.models import EmailAttachment, InboundEmail, Mailbox, Suppression

TRIAGE_LIMIT = 200


def mailboxes(*, user: User) -> QuerySet[Mailbox]:
    return Mailbox.objects.all() if user.is_admin else Mailbox.objects.none()


def unknown_senders(*, user: User) -> list[InboundEmail]:
    """The latest kept mail of each unknown sender, with how many are kept (directors only)."""
    if not user.is_director:
        return []
    kept = InboundEmail.objects.filter(state=InboundState.UNKNOWN)
    groups = list(
        kept.values("from_address")
        .annotate(n=Count("pk"), last=Max("pk"))
        .order_by("-last")[:TRIAGE_LIMIT]
    )
    rows = {e.pk: e for e in InboundEmail.objects.filter(pk__in=[g["last"] for g in groups])}
    result = []
    for group in groups:
        row = rows[group["last"]]
        row.kept = group["n"]  # type: ignore[attr-defined]
        result.append(row)
    return result


def unknown_email(*, user: User, pk: int) -> InboundEmail | None:
    if not user.is_director:
        return None
    return InboundEmail.objects.filter(pk=pk, state=InboundState.UNKNOWN).first()


def attachment_visible(*, user: User, pk: int) -> EmailAttachment | None:
    return (
        EmailAttachment.objects.filter(pk=pk, email__client__in=clients_visible_to(user))
        .select_related("email")
        .first()
    )


def email_of_message(*, user: User, message_pk: int) -> InboundEmail | None:
    return (
        InboundEmail.objects.filter(
            record_id=message_pk, record__client__in=clients_visible_to(user)
        )
        .select_related("record__client")
        .first()
    )


def failing_addresses(*, user: User) -> QuerySet[Suppression]:
    return Suppression.objects.filter(contact__client__in=clients_visible_to(user)) | (
        Suppression.objects.filter(contact__isnull=True)
        if user.is_director
        else Suppression.objects.none()
    )
