from django.contrib import admin

from agencydesk.meetings.models import FeedToken, Meeting, Minutes, Point, PointResponse


class PointInline(admin.TabularInline):
    model = Point
    extra = 0
    raw_id_fields = ("owner", "deliverable")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "starts_at", "rrule")
    list_filter = ("client",)
    raw_id_fields = ("client", "created_by")
    filter_horizontal = ("contacts", "people")


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ("meeting", "held_at", "state", "version", "confirm_due_at", "accepted_how")
    list_filter = ("state",)
    raw_id_fields = ("meeting", "written_by")
    inlines = [PointInline]


@admin.register(PointResponse)
class PointResponseAdmin(admin.ModelAdmin):
    list_display = ("point", "contact", "version", "verdict", "at")
    raw_id_fields = ("point", "contact")


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("digest",)
    raw_id_fields = ("user",)
