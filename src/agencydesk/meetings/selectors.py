"""Reads of meetings and minutes; every one takes the viewer and hides what they may not see (as missing)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from agencydesk.accounts.models import User
from agencydesk.clients.access import visible_client_ids
from agencydesk.meetings.models import Meeting, Minutes, Point, PointResponse

LIST_RELATED = ("client", "client__calendar", "created_by")


def meeting_list(*, user: User, client_id: int | None = None) -> QuerySet[Meeting]:
    """The meetings of the clients ``user`` may see, the latest first planned first."""
    qs = (
        Meeting.objects.filter(client__in=visible_client_ids(user))
        .select_related(*LIST_RELATED)
        .annotate(minutes_count=Count("minutes", distinct=True))
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.order_by("-starts_at", "-id")


def _points() -> Prefetch:
    return Prefetch(
        "points",
        queryset=Point.objects.select_related("owner", "deliverable", "deliverable_type")
        .prefetch_related(
            Prefetch("responses", queryset=PointResponse.objects.select_related("contact"))
        )
        .order_by("kind", "position", "id"),
    )


def meeting_detail(*, user: User, pk: int) -> Meeting:
    """One meeting with its participants and minutes; ``Meeting.DoesNotExist`` when hidden."""
    return (
        Meeting.objects.filter(pk=pk, client__in=visible_client_ids(user))
        .select_related(*LIST_RELATED, "client__account_manager", "client__backup_manager")
        .prefetch_related(
            "contacts",
            "people",
            Prefetch("minutes", queryset=Minutes.objects.prefetch_related(_points())),
        )
        .get()
    )


def minutes_detail(*, user: User, pk: int) -> Minutes:
    """One minutes with its meeting; ``Minutes.DoesNotExist`` when hidden."""
    return (
        Minutes.objects.filter(pk=pk, meeting__client__in=visible_client_ids(user))
        .select_related("meeting__client__calendar", "meeting__client__account_manager")
        .prefetch_related(_points(), "meeting__contacts")
        .get()
    )


def point_detail(*, user: User, pk: int) -> Point:
    return (
        Point.objects.filter(pk=pk, minutes__meeting__client__in=visible_client_ids(user))
        .select_related("minutes")
        .get()
    )


def confirmation_status(minutes: Minutes, contacts: list) -> list[dict]:
    """Per participant contact: how many points of the sent version they confirmed and disputed."""
    rows = []
    points = list(minutes.points.all())
    for contact in contacts:
        confirmed = disputed = 0
        comments = []
        for point in points:
            for response in point.responses.all():
                if response.contact_id != contact.pk or response.version != minutes.version:
                    continue
                if response.verdict == "confirm":
                    confirmed += 1
                else:
                    disputed += 1
                    comments.append((point, response.comment))
        rows.append(
            {
                "contact": contact,
                "confirmed": confirmed,
                "disputed": disputed,
                "unanswered": len(points) - confirmed - disputed,
                "comments": comments,
            }
        )
    return rows
