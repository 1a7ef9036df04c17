"""Today for each person, the director's view of everyone, response statistics."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.selectors import away_on
from agencydesk.insights.selectors import (
    RESPONSE_ORDERS,
    TARGET_SHARE,
    attention_items,
    attention_target,
    covering_for,
    director_overview,
    kind_stats,
    reassign_choices,
    response_stats,
    team_overdue,
)


@login_required
def today(request: HttpRequest) -> HttpResponse:
    target = attention_target(me=request.user, username=request.GET.get("user"))  # type: ignore[arg-type]
    now = timezone.now()
    items = attention_items(user=target, now=now)
    colleagues = reassign_choices(items=items)
    for item in items:
        item.colleagues = colleagues.get(item.id, [])  # type: ignore[attr-defined]
    context = {
        "target": target,
        "items": items,
        "now": now,
        "overdue": sum(1 for i in items if i.overdue),
        "own_tz": target.timezone,
    }
    me: User = request.user  # type: ignore[assignment]
    if not request.htmx:  # type: ignore[attr-defined]
        context["away"] = away_on(user=target, at=now)
        context["covering"] = covering_for(user=target, now=now)
    if target == me and me.is_director and not request.htmx:  # type: ignore[attr-defined]
        context["team_overdue"] = team_overdue(user=me, now=now)
        context["escalated"] = sum(1 for i in items if i.escalated)
    template = "insights/_today_list.html" if request.htmx else "insights/today.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    if not me.is_director:
        raise PermissionDenied(_("The team view is for directors."))
    loads = director_overview(user=me, now=timezone.now())
    template = "insights/_team_table.html" if request.htmx else "insights/team.html"  # type: ignore[attr-defined]
    return render(request, template, {"loads": loads})


@login_required
def responses(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    order = request.GET.get("sort", "name")
    if order not in RESPONSE_ORDERS:
        order = "name"
    stats = response_stats(user=request.user, now=now, order=order)  # type: ignore[arg-type]
    kinds = kind_stats(user=request.user, now=now)  # type: ignore[arg-type]
    context = {
        "stats": stats,
        "kinds": kinds,
        "order": order,
        "goal": round(TARGET_SHARE * 100),
        "orders": [
            ("name", _("By name")),
            ("within", _("Fewest within target first")),
            ("missed", _("Most missed first")),
            ("median", _("Slowest first")),
            ("count", _("Most replies first")),
        ],
    }
    return render(request, "insights/responses.html", context)


def _csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula is quoted with '."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def responses_csv(request: HttpRequest) -> HttpResponse:
    """The responsiveness tables as CSV: the clients the viewer sees, never a confidential one."""
    stats = response_stats(user=request.user, now=timezone.now(), confidential=False)  # type: ignore[arg-type]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="responsiveness.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Per"),
            _("Name"),
            _("Target, min"),
            _("Replies"),
            _("Median, min"),
            _("Within target, %"),
            _("Missed"),
        ]
    )
    for scope, label in (("clients", _("client")), ("owners", _("account manager"))):
        for row in stats[scope]:
            writer.writerow(
                [
                    label,
                    _csv_cell(row.label),
                    row.target_minutes if row.target_minutes is not None else "",
                    row.count,
                    f"{row.median_minutes:.1f}" if row.median_minutes is not None else "",
                    round(row.within_target * 100) if row.within_target is not None else "",
                    row.missed,
                ]
            )
    return response
