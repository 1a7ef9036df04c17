from django.contrib import admin

from agencydesk.integrations.telegram.models import (
    LinkCode,
    SendSlot,
    TelegramChat,
    TelegramNotice,
    TelegramTopic,
    TelegramUpdate,
    TelegramUser,
)


class TopicInline(admin.TabularInline):
    model = TelegramTopic
    extra = 0


@admin.register(TelegramChat)
class TelegramChatAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "chat_id",
        "type",
        "is_forum",
        "client",
        "user",
        "linked_at",
        "bot_status",
        "disconnected_at",
    )
    list_filter = ("type", "is_forum", "bot_status")
    search_fields = ("title", "username", "chat_id", "client__name")
    raw_id_fields = ("client", "user", "lost")
    inlines = [TopicInline]


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(admin.ModelAdmin):
    list_display = ("update_id", "chat_id", "state", "error", "received_at", "processed_at")
    list_filter = ("state",)
    search_fields = ("update_id", "chat_id")

    def has_change_permission(self, request, obj=None):
        return False  # the raw update is evidence: kept as it came


@admin.register(TelegramUser)
class TelegramUserAdmin(admin.ModelAdmin):
    list_display = ("__str__", "telegram_id", "full_name", "contact", "user")
    search_fields = ("username", "full_name", "telegram_id")
    raw_id_fields = ("contact", "user")


@admin.register(LinkCode)
class LinkCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "client", "user", "created_at", "expires_at", "used_at")
    raw_id_fields = ("client", "user", "created_by", "used_in")


@admin.register(TelegramNotice)
class TelegramNoticeAdmin(admin.ModelAdmin):
    list_display = ("kind", "chat_id", "user", "state", "send_after", "sent_at", "attempts")
    list_filter = ("kind", "state")
    raw_id_fields = ("user",)


@admin.register(SendSlot)
class SendSlotAdmin(admin.ModelAdmin):
    list_display = ("chat_id", "reserved_at", "outcome", "telegram_message_id", "outbox")
    list_filter = ("outcome", "is_group")
    raw_id_fields = ("outbox", "notice")
