from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from agencydesk.clients.access import visible_client_ids
from agencydesk.clients.models import (
    Client,
    Contact,
    Contract,
    ContractService,
    KeyEvent,
    MonitoringTopic,
    Service,
    WorkingFileLink,
)


class VisibleClientsAdmin(admin.ModelAdmin):
    """Lists and opens only rows of clients the staff member may see, like every other page."""

    client_key = "client_id"  # the path from a row to its client's key

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.client_key}__in": visible_client_ids(request.user)})
        )


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "position", "decision_power", "email", "telegram_username", "is_primary")


class KeyEventInline(admin.TabularInline):
    model = KeyEvent
    extra = 0


class WorkingFileInline(admin.TabularInline):
    model = WorkingFileLink
    extra = 0


@admin.register(Client)
class ClientAdmin(VisibleClientsAdmin):
    client_key = "pk"
    list_display = ("name", "status", "language", "account_manager", "confidential")
    list_filter = ("status", "language", "confidential", "account_manager")
    search_fields = ("name", "industry")
    autocomplete_fields = ("account_manager", "backup_manager")
    filter_horizontal = ("team",)
    inlines = [ContactInline, KeyEventInline, WorkingFileInline]


@admin.register(Contact)
class ContactAdmin(VisibleClientsAdmin):
    list_display = ("name", "client", "position", "decision_power", "email")
    search_fields = ("name", "email", "telegram_username", "client__name")


@admin.register(MonitoringTopic)
class MonitoringTopicAdmin(VisibleClientsAdmin):
    list_display = ("topic", "client")
    search_fields = ("topic", "keywords")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_unit")


class ContractServiceInline(admin.TabularInline):
    model = ContractService
    extra = 0


@admin.register(Contract)
class ContractAdmin(VisibleClientsAdmin):
    list_display = ("__str__", "client", "starts_on", "ends_on", "payment_terms", "monthly_fee")
    inlines = [ContractServiceInline]
