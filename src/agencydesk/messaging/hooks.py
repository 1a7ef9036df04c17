"""What the apps above messaging do when a client's message is recorded.

Messaging cannot import them (they sit above it); each registers a hook in its
``AppConfig.ready``. A hook is called inside the transaction that records the
message, after the desk read it, and returns the commitments it wants opened
(built, not saved): they are written with the message's own in one insert.
A hook must cost nothing for an ordinary message (ingest calls every hook).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agencydesk.commitments.models import Commitment
    from agencydesk.messaging.models import Message

InboundHook = Callable[["Message", datetime], list["Commitment"]]

INBOUND_HOOKS: list[InboundHook] = []


def inbound_hook_register(hook: InboundHook) -> None:
    """Add a hook (once: apps reloaded in tests register again)."""
    if hook not in INBOUND_HOOKS:
        INBOUND_HOOKS.append(hook)
