from django.contrib import admin

from agencydesk.integrations.email.models import (
    EmailNotice,
    EmailSend,
    InboundEmail,
    Mailbox,
    SenderRule,
    Suppression,
)


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    # The password is set on the mailbox page and never shown again: not even encrypted here.
    list_display = ("name", "from_address", "imap_host", "smtp_host", "is_active", "last_polled_at")
    exclude = ("password_encrypted",)
    readonly_fields = ("uidvalidity", "last_uid", "lease_owner", "lease_until", "last_error")

    def has_add_permission(self, request) -> bool:
        # A mailbox needs its password, which only the E-mail page (or the CLI) takes.
        return False


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ("date", "from_address", "subject", "classification", "state", "client")
    list_filter = ("classification", "state", "mailbox")
    search_fields = ("from_address", "subject", "message_id")
    raw_id_fields = ("client", "record", "bounce_of")
    exclude = ("raw",)


@admin.register(EmailSend)
class EmailSendAdmin(admin.ModelAdmin):
    list_display = ("reserved_at", "recipients", "subject", "outcome")
    list_filter = ("outcome",)
    raw_id_fields = ("outbox",)


@admin.register(SenderRule)
class SenderRuleAdmin(admin.ModelAdmin):
    list_display = ("address", "classification", "set_by", "set_at")


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("address", "reason", "created_at")
    raw_id_fields = ("bounce", "contact")


@admin.register(EmailNotice)
class EmailNoticeAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "state", "send_after", "sent_at")
    list_filter = ("state",)
    raw_id_fields = ("user",)
