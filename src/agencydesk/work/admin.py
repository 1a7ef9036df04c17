from django.contrib import admin

from agencydesk.clients.admin import VisibleClientsAdmin
from agencydesk.work.models import (
    Deliverable,
    DeliverableSchedule,
    DeliverableType,
    DueChange,
    Review,
)


@admin.register(DeliverableType)
class DeliverableTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "review_buffer_minutes", "approval_required")
    search_fields = ("name", "code")


class DueChangeInline(admin.TabularInline):
    model = DueChange
    extra = 0
    fields = ("kind", "due_at", "previous_due_at", "set_at", "by", "reason", "message_id")
    readonly_fields = fields
    can_delete = False  # the slip log is evidence: never rewritten

    def has_add_permission(self, request, obj=None):
        return False


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ("at", "reviewer", "passed", "comment", "checklist")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deliverable)
class DeliverableAdmin(VisibleClientsAdmin):
    list_display = ("title", "client", "type", "status", "due_at", "at_risk", "late_without_notice")
    list_filter = ("status", "type", "priority", "at_risk", "late_without_notice")
    search_fields = ("title", "client__name")
    raw_id_fields = ("client", "owner", "reviewer")
    date_hierarchy = "due_at"
    # Due moments, status and the review trail change only through the desk's services.
    readonly_fields = (
        "status",
        "due_at",
        "original_due_at",
        "review_due_at",
        "at_risk",
        "delivered_at",
        "late_without_notice",
        "created_at",
        "updated_at",
    )
    inlines = (DueChangeInline, ReviewInline)


@admin.register(DeliverableSchedule)
class DeliverableScheduleAdmin(VisibleClientsAdmin):
    list_display = ("title", "client", "rrule", "working_day", "time", "active", "created_until")
    list_filter = ("active", "on_closed_day")
    search_fields = ("title", "client__name")
    raw_id_fields = ("client", "owner", "reviewer", "created_by")
    readonly_fields = ("created_until", "created_at", "created_by")
