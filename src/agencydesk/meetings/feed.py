"""The calendar feed of a person (C17): deadlines and reviews they own, meetings, their clients' key events.

Served as iCalendar VEVENTs (calendar apps ignore VTODO) with the VTIMEZONE of
every zone used and UIDs that never change, read with the person's rights at
each request. The feed's secret opens nothing else; only its digest is kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import icalendar
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.access import visible_client_ids
from agencydesk.clients.models import KeyEvent
from agencydesk.core.services import audit_record
from agencydesk.meetings.models import FeedToken, Meeting
from agencydesk.meetings.schedule import meeting_occurrences
from agencydesk.work.choices import NOT_IN_REVIEW, OUT
from agencydesk.work.models import Deliverable

FEED_PREFIX = "cal_"
FEED_TOKEN_MAX = 100
PAST = timedelta(days=31)
AHEAD = timedelta(days=366)
UID_DOMAIN = "agencydesk"


def feed_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def feed_token_create(*, user: User, at: datetime) -> tuple[FeedToken, str]:
    """A new feed secret for ``user`` (the old one stops working); its plain text is returned once."""
    FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=at)
    raw = FEED_PREFIX + secrets.token_urlsafe(32)
    token = FeedToken.objects.create(
        user=user, digest=feed_digest(raw), prefix=raw[:10], created_at=at
    )
    audit_record(
        actor=user, action="feed_token.create", obj=token, changes={"prefix": token.prefix}, at=at
    )
    return token, raw


@transaction.atomic
def feed_token_revoke(*, user: User, at: datetime) -> int:
    count = FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=at)
    if count:
        audit_record(
            actor=user, action="feed_token.revoke", obj=user, changes={"revoked": count}, at=at
        )
    return count


def feed_user(*, raw: str, at: datetime) -> User | None:
    """The active person a feed secret belongs to, or None (revoked, unknown, deactivated)."""
    if not raw.startswith(FEED_PREFIX) or len(raw) > FEED_TOKEN_MAX:
        return None
    token = (
        FeedToken.objects.filter(digest=feed_digest(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or at - token.last_used_at > timedelta(minutes=5):
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


def feed_profile_context(user: User) -> dict[str, Any]:
    return {"token": FeedToken.objects.filter(user=user, revoked_at__isnull=True).first()}


def _event(
    *,
    uid: str,
    summary: str,
    start: Any,
    end: Any,
    url: str,
    stamp: datetime,
    description: str = "",
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("url", url)
    if description:
        event.add("description", description)
    return event


def feed_calendar(*, user: User, now: datetime, base_url: str) -> bytes:
    """The person's feed as iCalendar bytes, with what their rights let them see right now."""
    base = base_url.rstrip("/")
    visible = visible_client_ids(user)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//AgencyDesk//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("AgencyDesk: %(name)s") % {"name": user.get_full_name() or user})
    start, end = now - PAST, now + AHEAD
    deliverables = (
        Deliverable.objects.filter(client__in=visible)
        .filter(Q(owner=user) | Q(reviewer=user))
        .exclude(status__in=OUT)
        .filter(due_at__gte=start, due_at__lte=end)
        .select_related("client__calendar")
    )
    for d in deliverables:
        tz = client_engine(d.client).tz
        url = base + reverse("work:detail", args=[d.pk])
        if d.owner_id == user.pk:
            due = d.due_at.astimezone(tz)
            cal.add_component(
                _event(
                    uid=f"deliverable-{d.pk}",
                    summary=_("Due: %(title)s (%(client)s)")
                    % {"title": d.title, "client": d.client},
                    start=due - timedelta(minutes=30),
                    end=due,
                    url=url,
                    stamp=d.updated_at,
                )
            )
        if d.reviewer_id == user.pk and d.status in (*NOT_IN_REVIEW, "in_review"):
            review = d.review_due_at.astimezone(tz)
            cal.add_component(
                _event(
                    uid=f"review-{d.pk}",
                    summary=_("Review: %(title)s (%(client)s)")
                    % {"title": d.title, "client": d.client},
                    start=review - timedelta(minutes=30),
                    end=review,
                    url=url,
                    stamp=d.updated_at,
                )
            )
    own_clients = Q(client__account_manager=user) | Q(client__backup_manager=user)
    meetings = (
        Meeting.objects.filter(client__in=visible)
        .filter(Q(people=user) | Q(created_by=user) | own_clients)
        .distinct()
        .select_related("client__calendar")
    )
    for meeting in meetings:
        url = base + reverse("meetings:detail", args=[meeting.pk])
        for occurrence in meeting_occurrences(meeting, after=start, until=end):
            cal.add_component(
                _event(
                    uid=f"meeting-{meeting.pk}-{int(occurrence.timestamp())}",
                    summary=_("Meeting: %(title)s (%(client)s)")
                    % {"title": meeting.title, "client": meeting.client},
                    start=occurrence,
                    end=occurrence + timedelta(minutes=meeting.duration_minutes),
                    url=url,
                    stamp=meeting.updated_at,
                    description=meeting.agenda[:2000],
                )
            )
    team = own_clients | Q(client__team=user)
    events = (
        KeyEvent.objects.filter(client__in=visible)
        .filter(team)
        .filter(date__gte=start.date(), date__lte=end.date())
        .distinct()
        .select_related("client")
    )
    for event in events:
        cal.add_component(
            _event(
                uid=f"keyevent-{event.pk}",
                summary=_("%(client)s: %(title)s") % {"client": event.client, "title": event.title},
                start=event.date,
                end=event.date + timedelta(days=1),
                url=base + reverse("clients:detail", args=[event.client_id]) + "#key-events",
                stamp=now,
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()
