from django.contrib import admin

from agencydesk.clients.admin import VisibleClientsAdmin
from agencydesk.commitments.models import Breach, Commitment


@admin.register(Commitment)
class CommitmentAdmin(VisibleClientsAdmin):
    list_display = ("kind", "client", "owner", "state", "due_at", "escalation")
    list_filter = ("kind", "state")
    raw_id_fields = ("client", "owner", "calendar")
    date_hierarchy = "due_at"

    def has_change_permission(self, request, obj=None):
        return False  # changed only by the rules, with an audit row each time


@admin.register(Breach)
class BreachAdmin(VisibleClientsAdmin):
    list_display = ("kind", "client", "owner", "due_at", "late_minutes")
    list_filter = ("kind",)
