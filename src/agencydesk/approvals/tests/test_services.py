"""Approval rounds, decisions, the flags to the account manager and the spend gate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencydesk.approvals import services
from agencydesk.approvals.choices import CHASE, DISAGREEMENT, ROUND_OVERRUN
from agencydesk.approvals.files import Upload
from agencydesk.approvals.models import ApprovalRound
from agencydesk.commitments.models import Commitment
from agencydesk.messaging.models import OutboundMessage
from agencydesk.work import services as work_services

from .conftest import BASE, NOW, msk

pytestmark = pytest.mark.django_db


def send(media_plan, approvers, by, **kw):
    return services.approval_request_create(
        deliverable=media_plan,
        approvers=approvers,
        material_url=kw.pop("material_url", "https://files.example/plan-v1.pdf"),
        by=by,
        at=kw.pop("at", NOW),
        base_url=BASE,
        **kw,
    )


def decide(sent, contact, verdict, comment="", at=None, round_number=None):
    return services.approval_decide(
        request=sent.request,
        round_number=round_number or sent.request.round,
        contact=contact,
        verdict=verdict,
        comment=comment,
        channel="link",
        at=at or msk(2026, 3, 3, 11, 0),
    )


def open_kinds(request):
    return sorted(
        Commitment.objects.about(request)
        .filter(state__in=("open", "breached"))
        .values_list("kind", flat=True)
    )


def test_request_sends_one_link_per_approver_through_the_outbox_and_is_due_in_business_days(
    frozen, team, media_plan, approvers
):
    sent = send(media_plan, approvers, team["am"])
    # Two business days of Moscow time from Monday 10:00: Wednesday 10:00.
    assert sent.round.decision_due_at == msk(2026, 3, 4, 10, 0)
    assert [c.pk for c, _url in sent.links] == [c.pk for c in approvers]
    texts = list(OutboundMessage.objects.values_list("message__text", flat=True))
    assert len(texts) == 2
    for (_contact, url), text in zip(sent.links, texts, strict=True):
        assert url.startswith("http://desk.test/approve/") and url in text
        assert "Медиаплан на апрель" in text and "04.03.2026 10:00" in text
    assert sent.round.amount == Decimal("100000.00")
    chase = Commitment.objects.about(sent.request).get(kind=CHASE)
    assert chase.visible_from == msk(2026, 3, 4, 10, 0) and chase.owner == team["am"]


def test_request_refuses_bad_input_and_other_people(frozen, team, media_plan, approvers, acme):
    informed = acme.contacts.get(decision_power="informs")
    with pytest.raises(ValidationError) as exc:
        send(media_plan, [informed], team["am"])
    assert "approvers" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        send(media_plan, approvers, team["am"], material_url="")
    assert "material_url" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        send(media_plan, approvers, team["outsider"])
    with pytest.raises(ValidationError) as exc:
        send(media_plan, approvers, team["am"], material_url="", file=Upload("x.exe", b"MZ"))
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError):
        send(media_plan, approvers, team["am"], file=Upload("plan.pdf", b"not a pdf"))
    assert not OutboundMessage.objects.exists()


def test_a_file_round_keeps_the_file(frozen, team, media_plan, approvers):
    sent = send(
        media_plan, approvers, team["am"], material_url="", file=Upload("План.pdf", b"%PDF-1.4 x")
    )
    stored = ApprovalRound.objects.get(pk=sent.round.pk)
    assert stored.file_name == "План.pdf" and stored.file_type == "application/pdf"
    assert bytes(stored.file_content) == b"%PDF-1.4 x"


def test_two_approvers_disagreeing_strictest_wins_and_the_am_records_the_choice(
    frozen, team, media_plan, approvers
):
    sent = send(media_plan, approvers, team["am"])
    decide(sent, approvers[0], "approved")
    sent.request.refresh_from_db()
    assert sent.request.state == "waiting"  # the second approver has not decided yet
    decide(sent, approvers[1], "changes_requested", "Уберите наружную рекламу")
    request = sent.request
    request.refresh_from_db()
    assert request.state == "changes_requested" and request.disagreement
    assert open_kinds(request) == [DISAGREEMENT]  # the chase is met with the round closed
    services.approval_resolve(
        request=request,
        contact=approvers[1],
        verdict="approved",
        comment="",
        channel="call",
        by=team["am"],
        at=msk(2026, 3, 3, 15, 0),
    )
    request.refresh_from_db()
    assert request.state == "approved" and not request.disagreement
    assert ApprovalRound.objects.get(request=request).disagreement  # the record keeps it
    assert open_kinds(request) == []


def test_a_second_decision_after_the_round_closed_changes_nothing(
    frozen, team, media_plan, approvers
):
    sent = send(media_plan, approvers[:1], team["am"])
    decide(sent, approvers[0], "approved")
    with pytest.raises(services.DecisionRefused):
        decide(sent, approvers[0], "rejected", "Передумали")
    sent.request.refresh_from_db()
    assert sent.request.state == "approved"
    assert sent.request.decisions.count() == 1


def test_a_new_round_supersedes_the_old_one(frozen, team, media_plan, approvers):
    sent = send(media_plan, approvers[:1], team["am"])
    decide(sent, approvers[0], "changes_requested", "Другие площадки")
    second = services.approval_round_create(
        request=sent.request,
        material_url="https://files.example/plan-v2.pdf",
        by=team["am"],
        at=msk(2026, 3, 3, 12, 0),
        base_url=BASE,
    )
    assert second.round.number == 2 and second.request.state == "waiting"
    with pytest.raises(services.DecisionRefused):
        decide(sent, approvers[0], "approved", round_number=1)
    decide(second, approvers[0], "approved")
    second.request.refresh_from_db()
    assert second.request.state == "approved"


def test_rounds_beyond_the_contract_raise_the_overrun_flag(frozen, team, media_plan, approvers):
    sent = send(media_plan, approvers[:1], team["am"])
    request = sent.request
    for n, day in ((2, 3), (3, 4)):
        services.approval_round_create(
            request=request,
            material_url=f"https://files.example/plan-v{n}.pdf",
            by=team["am"],
            at=msk(2026, 3, day, 12, 0),
            base_url=BASE,
        )
        request.refresh_from_db()
        flagged = Commitment.objects.about(request).filter(kind=ROUND_OVERRUN)
        # The contract includes one revision: round 2 is it, round 3 is beyond.
        assert flagged.count() == (0 if n == 2 else 1)
    assert list(
        ApprovalRound.objects.filter(request=request).values_list("over_limit", flat=True)
    ) == [
        False,
        False,
        True,
    ]
    item = Commitment.objects.about(request).get(kind=ROUND_OVERRUN)
    assert item.reason_params["included"] == 1 and item.owner == team["am"]


def test_the_spend_gate_and_a_grown_amount(frozen, team, media_plan, approvers):
    with pytest.raises(services.LaunchRefused):
        services.deliverable_launch(deliverable=media_plan, by=team["am"], at=NOW)
    sent = send(media_plan, approvers[:1], team["am"])
    decide(sent, approvers[0], "approved")
    work_services.deliverable_update(
        deliverable=media_plan, by=team["am"], at=NOW, amount=Decimal("120000.00")
    )
    with pytest.raises(services.LaunchRefused, match="120000"):
        services.deliverable_launch(deliverable=media_plan, by=team["am"], at=NOW)
    again = services.approval_round_create(
        request=sent.request,
        material_url="https://files.example/plan-v2.pdf",
        by=team["am"],
        at=msk(2026, 3, 3, 12, 0),
        base_url=BASE,
    )
    assert again.round.amount == Decimal("120000.00")
    with pytest.raises(services.LaunchRefused):  # the new round is not approved yet
        services.deliverable_launch(deliverable=media_plan, by=team["am"], at=NOW)
    decide(again, approvers[0], "approved")
    media_plan.refresh_from_db()
    launched = services.deliverable_launch(deliverable=media_plan, by=team["am"], at=NOW)
    assert launched.launched_at == NOW
    with pytest.raises(ValidationError):
        services.deliverable_launch(deliverable=media_plan, by=team["am"], at=NOW)


def test_the_account_manager_tags_taste_driven_edits_audited(frozen, team, media_plan, approvers):
    from agencydesk.core.models import AuditLog

    sent = send(media_plan, approvers[:1], team["am"])
    decision = decide(sent, approvers[0], "changes_requested", "Не нравится синий")
    services.decision_taste_tag(decision=decision, taste_driven=True, by=team["am"], at=NOW)
    decision.refresh_from_db()
    assert decision.taste_driven
    assert AuditLog.objects.filter(action="approval.taste").count() == 1
    with pytest.raises(PermissionDenied):
        services.decision_taste_tag(
            decision=decision, taste_driven=False, by=team["outsider"], at=NOW
        )


def test_a_later_version_is_a_round_of_the_one_request(frozen, team, media_plan, approvers):
    sent = send(media_plan, approvers[:1], team["am"])
    decide(sent, approvers[0], "approved")
    with pytest.raises(ValidationError) as exc:
        send(media_plan, approvers[:1], team["am"])
    assert "deliverable" in exc.value.message_dict
