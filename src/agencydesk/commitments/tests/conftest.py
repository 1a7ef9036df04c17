"""The ledger tests use the messaging fixtures: a Moscow client and its team."""

from agencydesk.messaging.tests.conftest import acme, team  # noqa: F401
