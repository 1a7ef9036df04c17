from django.contrib import admin

from agencydesk.clients.admin import VisibleClientsAdmin
from agencydesk.messaging.models import (
    Conversation,
    Delivery,
    Message,
    MessageTemplate,
    OutboundMessage,
)


@admin.register(Conversation)
class ConversationAdmin(VisibleClientsAdmin):
    list_display = ("__str__", "client", "channel", "topic", "last_message_at")
    list_filter = ("channel",)
    search_fields = ("external_key", "title", "client__name")


@admin.register(Message)
class MessageAdmin(VisibleClientsAdmin):
    list_display = ("sent_at", "client", "channel", "direction", "automatic", "is_question")
    list_filter = ("channel", "direction", "automatic", "is_question")
    search_fields = ("text", "external_id")
    raw_id_fields = ("conversation", "client", "author_contact", "author_user")
    date_hierarchy = "sent_at"

    def has_change_permission(self, request, obj=None):
        return False  # a recorded message is evidence: never rewritten


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("message", "client", "channel", "state", "send_after", "attempts", "sent_at")
    list_filter = ("state", "channel")
    raw_id_fields = ("message", "client")


@admin.register(Delivery)
class DeliveryAdmin(VisibleClientsAdmin):
    list_display = ("delivered_at", "client", "channel")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "language", "address_form")
    list_filter = ("kind", "language", "address_form")
