from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "agencydesk.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from agencydesk.accounts.profile import ProfileSection, register_profile_section
        from agencydesk.commitments.clock import TICKS
        from agencydesk.core.signed_links import register_purpose
        from agencydesk.meetings.choices import LINK_PURPOSE
        from agencydesk.meetings.confirmations import minutes_accept_tick
        from agencydesk.meetings.feed import feed_profile_context
        from agencydesk.meetings.kinds import kinds_register
        from agencydesk.meetings.services import minutes_due_tick

        kinds_register()
        register_purpose(LINK_PURPOSE)
        for tick in (minutes_due_tick, minutes_accept_tick):
            if tick not in TICKS:
                TICKS.append(tick)
        register_profile_section(
            ProfileSection(template="meetings/_profile_feed.html", context=feed_profile_context)
        )
