from django.contrib import admin

from agencydesk.calendars.models import BusinessCalendar, CalendarException


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "hours", "country", "is_default")
    inlines = [CalendarExceptionInline]
    readonly_fields = ("revision",)
