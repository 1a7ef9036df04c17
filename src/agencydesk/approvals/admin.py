from django.contrib import admin

from agencydesk.approvals.models import ApprovalRequest, ApprovalRound, Decision
from agencydesk.clients.admin import VisibleClientsAdmin


class RoundInline(admin.TabularInline):
    model = ApprovalRound
    extra = 0
    fields = (
        "number",
        "material_url",
        "file_name",
        "amount",
        "sent_at",
        "decision_due_at",
        "state",
        "outcome",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("round", "contact_name", "verdict", "comment", "channel", "resolution", "at")
    readonly_fields = fields
    can_delete = False  # the written record: never rewritten

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(VisibleClientsAdmin):
    list_display = ("deliverable", "client", "round", "state", "decision_due_at")
    list_filter = ("state",)
    readonly_fields = (
        "deliverable",
        "client",
        "round",
        "state",
        "decision_due_at",
        "amount",
        "disagreement",
        "created_by",
        "created_at",
        "updated_at",
    )
    exclude = ("approvers",)
    inlines = [RoundInline, DecisionInline]
