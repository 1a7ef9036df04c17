from django.contrib import admin

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
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "language", "account_manager", "confidential")
    list_filter = ("status", "language", "confidential", "account_manager")
    search_fields = ("name", "industry")
    autocomplete_fields = ("account_manager", "backup_manager")
    filter_horizontal = ("team",)
    inlines = [ContactInline, KeyEventInline, WorkingFileInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "position", "decision_power", "email")
    search_fields = ("name", "email", "telegram_username", "client__name")


@admin.register(MonitoringTopic)
class MonitoringTopicAdmin(admin.ModelAdmin):
    list_display = ("topic", "client")
    search_fields = ("topic", "keywords")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_unit")


class ContractServiceInline(admin.TabularInline):
    model = ContractService
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("__str__", "client", "starts_on", "ends_on", "payment_terms", "monthly_fee")
    inlines = [ContractServiceInline]
