"""How the client's history tells the changes of a commitment: by its kind, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from agencydesk.commitments.kinds import kind_label
from agencydesk.commitments.models import Commitment
from agencydesk.core.history import HistorySubject, history_subject_register
from agencydesk.core.models import AuditLog


def commitment_history_names(rows: Sequence[AuditLog]) -> dict[str, str]:
    """Each commitment's kind label (one query), never its saved text (a database id, UTC)."""
    ids = {int(row.object_id) for row in rows if row.object_id.isdigit()}
    kinds = {
        str(pk): kind
        for pk, kind in Commitment.objects.filter(pk__in=ids).values_list("pk", "kind")
    }
    for row in rows:
        # A commitment deleted with its subject: its opening row still knows the kind.
        kind = row.changes.get("kind") if isinstance(row.changes, dict) else None
        if isinstance(kind, str):
            kinds.setdefault(row.object_id, kind)
    return {
        row.object_id: kind_label(kinds[row.object_id])
        if row.object_id in kinds
        else _("A promise")
        for row in rows
    }


def history_register() -> None:
    history_subject_register(
        "commitments.commitment", HistorySubject(names=commitment_history_names, merge=True)
    )
