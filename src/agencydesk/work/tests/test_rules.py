"""Every deliverable rule with frozen time: buffers, working hours, review, delivery, delay notices."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.core.models import AuditLog
from agencydesk.messaging.models import OutboundMessage
from agencydesk.work import services
from agencydesk.work.choices import DELAY_NOTICE, DELIVERY, LATE_WITHOUT_NOTICE, REVIEW
from agencydesk.work.models import Deliverable

from .conftest import msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 2, 10, 0)  # Monday 2 March 2026


def create(acme, team, kind, due, at=NOW, **kw):
    return services.deliverable_create(
        client=acme,
        title=kw.pop("title", "Пресс-релиз о запуске"),
        type=kind,
        owner=team["writer"],
        reviewer=team["editor"],
        due_at=due,
        by=team["am"],
        at=at,
        **kw,
    )


def kind_of(d, kind):
    return Commitment.objects.about(d).filter(kind=kind).order_by("-id").first()


def test_review_is_due_two_business_hours_before_across_the_lunch_break(acme, team, press_release):
    created = create(acme, team, press_release, msk(2026, 3, 3, 15, 0))
    d = created.deliverable
    assert d.review_due_at == msk(2026, 3, 3, 12, 0)  # 14:00-15:00 and 12:00-13:00
    review = kind_of(d, REVIEW)
    assert (review.owner, review.due_at, review.action_at) == (
        team["editor"],
        msk(2026, 3, 3, 12, 0),
        msk(2026, 3, 3, 12, 0),
    )
    delivery = kind_of(d, DELIVERY)
    assert (delivery.owner, delivery.due_at) == (team["writer"], msk(2026, 3, 3, 15, 0))
    assert created.warnings == []


def test_review_buffer_crosses_the_weekend(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 16, 10, 0)).deliverable
    assert d.review_due_at == msk(2026, 3, 13, 17, 0)  # Friday


def test_review_buffer_skips_the_holiday(acme, team, press_release):
    # Monday 9 March 2026 is a public holiday in Russia (8 March falls on a Sunday).
    d = create(acme, team, press_release, msk(2026, 3, 10, 10, 0)).deliverable
    assert d.review_due_at == msk(2026, 3, 6, 17, 0)


def test_review_buffer_is_per_type(acme, team):
    from agencydesk.work.models import DeliverableType

    report = DeliverableType.objects.get(code="report")  # 4 business hours
    d = create(acme, team, report, msk(2026, 3, 4, 11, 0)).deliverable
    assert d.review_due_at == msk(2026, 3, 3, 16, 0)


@pytest.mark.parametrize(
    ("due", "before", "after"),
    [
        (msk(2026, 3, 3, 20, 0), "2026-03-03T18:00+03:00", "2026-03-04T09:00+03:00"),
        (msk(2026, 3, 3, 13, 30), "2026-03-03T13:00+03:00", "2026-03-03T14:00+03:00"),
        (msk(2026, 3, 7, 11, 0), "2026-03-06T18:00+03:00", "2026-03-10T09:00+03:00"),
    ],
)
def test_due_outside_working_hours_names_the_nearest_valid_moments(
    acme, team, press_release, due, before, after
):
    with pytest.raises(ValidationError) as caught:
        create(acme, team, press_release, due)
    message = " ".join(caught.value.message_dict["due_at"])
    assert before in message and after in message
    assert not Deliverable.objects.exists()


def test_closing_moment_is_a_valid_due_moment(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 18, 0)).deliverable
    assert d.due_at == msk(2026, 3, 3, 18, 0)


def test_due_after_15_is_accepted_with_the_late_in_day_warning(acme, team, press_release):
    late = create(acme, team, press_release, msk(2026, 3, 3, 16, 30))
    assert [w["code"] for w in late.warnings] == ["late_in_day"]
    on_time = create(acme, team, press_release, msk(2026, 3, 3, 15, 0))
    assert on_time.warnings == []


def test_late_in_day_is_an_agency_setting(acme, team, press_release, settings):
    settings.AGENCYDESK_LATE_IN_DAY = "17:00"
    assert create(acme, team, press_release, msk(2026, 3, 3, 16, 30)).warnings == []


def test_due_in_the_past_and_same_owner_and_reviewer_are_refused(acme, team, press_release):
    with pytest.raises(ValidationError) as caught:
        create(acme, team, press_release, msk(2026, 3, 2, 9, 30))
    assert "due_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.deliverable_create(
            client=acme,
            title="x",
            type=press_release,
            owner=team["writer"],
            reviewer=team["writer"],
            due_at=msk(2026, 3, 3, 12, 0),
            by=team["am"],
            at=NOW,
        )
    assert "reviewer" in caught.value.message_dict


def test_only_the_clients_managers_create_deliverables(acme, team, press_release):
    with pytest.raises(PermissionDenied):
        services.deliverable_create(
            client=acme,
            title="x",
            type=press_release,
            owner=team["writer"],
            reviewer=team["editor"],
            due_at=msk(2026, 3, 3, 12, 0),
            by=team["outsider"],
            at=NOW,
        )


def test_review_works_through_the_checklist(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    items = press_release.checklist_items()
    services.deliverable_submit(deliverable=d, by=team["writer"], at=NOW)
    with pytest.raises(ValidationError) as caught:
        services.deliverable_review(
            deliverable=d, by=team["editor"], at=NOW, passed=True, checklist={items[0]: True}
        )
    assert items[1] in " ".join(caught.value.message_dict["checklist"])
    with pytest.raises(ValidationError):
        services.deliverable_review(
            deliverable=d, by=team["editor"], at=NOW, passed=True, checklist={"Made up": True}
        )
    with pytest.raises(PermissionDenied):
        services.deliverable_review(
            deliverable=d,
            by=team["writer"],
            at=NOW,
            passed=True,
            checklist=dict.fromkeys(items, True),
        )
    failed = services.deliverable_review(
        deliverable=d, by=team["editor"], at=NOW, passed=False, comment="Нет цитаты CEO"
    )
    assert not failed.passed and d.status == "in_work"
    assert kind_of(d, REVIEW).state == "open"
    services.deliverable_review(
        deliverable=d, by=team["editor"], at=NOW, passed=True, checklist=dict.fromkeys(items, True)
    )
    d.refresh_from_db()
    assert d.status == "ready"
    assert kind_of(d, REVIEW).state == "met"


def test_no_delivery_without_a_passed_review_but_a_director_may_override(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    with pytest.raises(services.DeliveryRefused):
        services.deliverable_deliver(deliverable=d, by=team["writer"], at=NOW)
    with pytest.raises(PermissionDenied):
        services.deliverable_deliver(
            deliverable=d, by=team["am"], at=NOW, override_reason="клиент ждёт"
        )
    services.deliverable_deliver(
        deliverable=d, by=team["director"], at=NOW, override_reason="клиент ждёт срочно"
    )
    d.refresh_from_db()
    assert d.status == "delivered"
    audit = AuditLog.objects.get(action="deliverable.override")
    assert audit.reason == "клиент ждёт срочно" and audit.actor == team["director"]
    assert kind_of(d, DELIVERY).state == "met"
    assert kind_of(d, REVIEW).state == "cancelled"


def _reviewed(d, team, at):
    services.deliverable_submit(deliverable=d, by=team["writer"], at=at)
    services.deliverable_review(
        deliverable=d,
        by=team["editor"],
        at=at,
        passed=True,
        checklist=dict.fromkeys(d.type.checklist_items(), True),
    )


def test_on_time_delivery_meets_the_delivery(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    _reviewed(d, team, msk(2026, 3, 3, 11, 0))
    services.deliverable_deliver(deliverable=d, by=team["writer"], at=msk(2026, 3, 3, 14, 30))
    d.refresh_from_db()
    assert (d.status, d.late_without_notice) == ("delivered", False)
    assert not Breach.objects.exists()


def test_not_in_review_at_the_internal_deadline_puts_it_at_risk_exactly_once(
    acme, team, press_release
):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    with time_machine.travel(msk(2026, 3, 3, 11, 59), tick=False):
        assert clock_tick(now=msk(2026, 3, 3, 11, 59))["at_risk"] == 0
    for _ in range(3):  # however many clocks run
        clock_tick(now=msk(2026, 3, 3, 12, 0))
    d.refresh_from_db()
    assert d.at_risk
    notices = Commitment.objects.about(d).filter(kind=DELAY_NOTICE)
    assert notices.count() == 1
    notice = notices.get()
    assert (notice.owner, notice.due_at) == (team["am"], msk(2026, 3, 3, 15, 0))


def test_in_review_at_the_internal_deadline_is_not_at_risk(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    services.deliverable_submit(deliverable=d, by=team["writer"], at=msk(2026, 3, 3, 11, 0))
    clock_tick(now=msk(2026, 3, 3, 12, 0))
    d.refresh_from_db()
    assert not d.at_risk
    assert not Commitment.objects.about(d).filter(kind=DELAY_NOTICE).exists()


def test_owner_flags_at_risk_with_a_reason(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    with pytest.raises(ValidationError):
        services.deliverable_flag_at_risk(deliverable=d, by=team["writer"], at=NOW, reason=" ")
    with pytest.raises(PermissionDenied):
        services.deliverable_flag_at_risk(
            deliverable=d, by=team["outsider"], at=NOW, reason="нет данных"
        )
    notice = services.deliverable_flag_at_risk(
        deliverable=d, by=team["writer"], at=NOW, reason="клиент не прислал цифры"
    )
    assert notice.kind == DELAY_NOTICE and notice.owner == team["am"]
    assert notice.reason_params["why"] == "клиент не прислал цифры"
    # Flagging again opens nothing more.
    assert (
        services.deliverable_flag_at_risk(deliverable=d, by=team["writer"], at=NOW, reason="ещё")
        is None
    )


def test_delay_notice_goes_to_the_client_in_russian_and_keeps_the_slip_log(
    acme, team, press_release
):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    services.deliverable_flag_at_risk(
        deliverable=d, by=team["writer"], at=NOW, reason="клиент не прислал цифры"
    )
    at = msk(2026, 3, 3, 10, 0)
    outbox = services.deliverable_delay_notice(
        deliverable=d,
        by=team["am"],
        at=at,
        new_due_at=msk(2026, 3, 4, 12, 0),
        reason="ждём финальные цифры продаж",
    )
    text = outbox.message.text
    assert text.startswith("Алексей Викторович, добрый день!")
    assert "«Пресс-релиз о запуске»" in text and "04.03.2026 12:00" in text
    assert "ждём финальные цифры продаж" in text
    assert outbox.channel == "telegram" and OutboundMessage.objects.count() == 1
    d.refresh_from_db()
    assert d.due_at == msk(2026, 3, 4, 12, 0)
    assert d.original_due_at == msk(2026, 3, 3, 15, 0)
    assert not d.at_risk
    assert d.review_due_at == msk(2026, 3, 4, 10, 0)
    history = list(d.due_history.values_list("kind", "due_at", "reason"))
    assert history == [
        ("set", msk(2026, 3, 3, 15, 0), ""),
        ("notice", msk(2026, 3, 4, 12, 0), "ждём финальные цифры продаж"),
    ]
    assert kind_of(d, DELAY_NOTICE).state == "met"
    assert kind_of(d, DELAY_NOTICE).met_by == outbox.message
    assert kind_of(d, DELIVERY).due_at == msk(2026, 3, 4, 12, 0)
    assert kind_of(d, REVIEW).due_at == msk(2026, 3, 4, 10, 0)


def test_delay_notice_refuses_an_earlier_or_closed_moment(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    for bad in (msk(2026, 3, 3, 14, 0), msk(2026, 3, 3, 19, 0)):
        with pytest.raises(ValidationError) as caught:
            services.deliverable_delay_notice(
                deliverable=d, by=team["am"], at=NOW, new_due_at=bad, reason="x"
            )
        assert "new_due_at" in caught.value.message_dict
    assert not OutboundMessage.objects.exists()


def test_late_with_a_notice_in_time_is_not_the_worst_breach(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    services.deliverable_delay_notice(
        deliverable=d,
        by=team["am"],
        at=msk(2026, 3, 3, 14, 0),
        new_due_at=msk(2026, 3, 4, 12, 0),
        reason="ждём цифры",
    )
    _reviewed(d, team, msk(2026, 3, 4, 10, 0))
    services.deliverable_deliver(deliverable=d, by=team["writer"], at=msk(2026, 3, 4, 11, 0))
    d.refresh_from_db()
    assert not d.late_without_notice
    assert not Breach.objects.filter(kind=LATE_WITHOUT_NOTICE).exists()


def test_late_without_a_notice_is_the_worst_breach(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    clock_tick(now=msk(2026, 3, 3, 15, 0))  # the delivery is missed
    _reviewed(d, team, msk(2026, 3, 3, 16, 0))
    services.deliverable_deliver(deliverable=d, by=team["writer"], at=msk(2026, 3, 3, 17, 0))
    d.refresh_from_db()
    assert d.late_without_notice
    worst = Breach.objects.get(kind=LATE_WITHOUT_NOTICE)
    assert worst.due_at == msk(2026, 3, 3, 15, 0)
    assert worst.late_minutes == pytest.approx(120.0)
    assert worst.owner == team["am"]
    assert Breach.objects.filter(kind=DELIVERY).exists()
    # Nothing of it is left in anyone's Today.
    assert not Commitment.objects.about(d).filter(state__in=("open", "breached")).exists()


def test_a_notice_after_the_deadline_still_counts_as_late_without_notice(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    services.deliverable_delay_notice(
        deliverable=d,
        by=team["am"],
        at=msk(2026, 3, 3, 16, 0),
        new_due_at=msk(2026, 3, 4, 12, 0),
        reason="поздно",
    )
    _reviewed(d, team, msk(2026, 3, 4, 10, 0))
    services.deliverable_deliver(deliverable=d, by=team["writer"], at=msk(2026, 3, 4, 11, 0))
    d.refresh_from_db()
    assert d.late_without_notice


def test_moving_the_date_never_erases_that_it_was_late(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    services.deliverable_reschedule(
        deliverable=d, by=team["am"], at=NOW, due_at=msk(2026, 3, 5, 12, 0), reason="договорились"
    )
    services.deliverable_reschedule(
        deliverable=d, by=team["am"], at=NOW, due_at=msk(2026, 3, 6, 12, 0), reason="ещё раз"
    )
    d.refresh_from_db()
    assert [c.due_at for c in d.due_history.all()] == [
        msk(2026, 3, 3, 15, 0),
        msk(2026, 3, 5, 12, 0),
        msk(2026, 3, 6, 12, 0),
    ]
    assert d.original_due_at == msk(2026, 3, 3, 15, 0)
    with pytest.raises(ValidationError):
        services.deliverable_reschedule(
            deliverable=d, by=team["am"], at=NOW, due_at=msk(2026, 3, 6, 12, 0), reason=""
        )
    _reviewed(d, team, msk(2026, 3, 5, 10, 0))
    services.deliverable_deliver(deliverable=d, by=team["writer"], at=msk(2026, 3, 5, 11, 0))
    d.refresh_from_db()
    # Delivered before the moved date, but after the first promise, and nobody told the client.
    assert d.late_without_notice


def test_status_moves_after_delivery(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    with pytest.raises(ValidationError):
        services.deliverable_update(deliverable=d, by=team["am"], at=NOW, status="accepted")
    _reviewed(d, team, NOW)
    services.deliverable_deliver(deliverable=d, by=team["writer"], at=NOW)
    services.deliverable_update(deliverable=d, by=team["am"], at=NOW, status="accepted")
    d.refresh_from_db()
    assert d.status == "accepted"


def test_changing_the_reviewer_moves_the_review(acme, team, press_release):
    d = create(acme, team, press_release, msk(2026, 3, 3, 15, 0)).deliverable
    services.deliverable_update(deliverable=d, by=team["am"], at=NOW, reviewer=team["director"])
    assert kind_of(d, REVIEW).owner == team["director"]
