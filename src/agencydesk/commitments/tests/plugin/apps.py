"""A test-only app that declares a kind of promise of its own, as a future app (work, approvals) will.

It is installed by the test settings only. ``test_registry.py`` proves that a
kind declared here shows in Today (with its actions), is acted on by the clock,
is explained in four languages and is counted in the statistics, with no change
to any other app.
"""

from django.apps import AppConfig


class LedgerPluginConfig(AppConfig):
    name = "agencydesk.commitments.tests.plugin"
    label = "ledger_plugin"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencydesk.commitments.tests.plugin.kinds import kinds_register

        kinds_register()
