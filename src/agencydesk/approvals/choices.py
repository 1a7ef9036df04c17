from django.db import models
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    """What an approver decides; ``STRICTNESS`` orders them when approvers disagree."""

    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CHANGES = "approved_with_changes", _("Approved with changes")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")


# The strictest decision wins the round.
STRICTNESS = {
    Verdict.APPROVED: 0,
    Verdict.APPROVED_WITH_CHANGES: 1,
    Verdict.CHANGES_REQUESTED: 2,
    Verdict.REJECTED: 3,
}
# An approval of the version: the spend gate opens.
APPROVING = (Verdict.APPROVED, Verdict.APPROVED_WITH_CHANGES)
# A verdict that needs the approver's words.
NEEDS_COMMENT = (Verdict.APPROVED_WITH_CHANGES, Verdict.CHANGES_REQUESTED, Verdict.REJECTED)


class RequestState(models.TextChoices):
    WAITING = "waiting", _("Waiting for the client")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CHANGES = "approved_with_changes", _("Approved with changes")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")


class RoundState(models.TextChoices):
    WAITING = "waiting", _("Waiting for the client")
    DECIDED = "decided", _("Decided")
    SUPERSEDED = "superseded", _("Superseded by a newer round")


class DecisionChannel(models.TextChoices):
    LINK = "link", _("Approval link")
    MESSAGE = "message", _("Recorded from a message")
    CALL = "call", _("Recorded from a call")


# The kinds of commitment the approvals app declares (see ``approvals/kinds.py``).
CHASE = "approval_chase"
ROUND_OVERRUN = "approval_round_overrun"
DISAGREEMENT = "approval_disagreement"

LINK_PURPOSE = "approval"
