"""Channel adapters: the one entry point through which the outbox delivers anything.

A channel (the logged channel, Telegram, later e-mail) plugs in by registering
one object with three methods, from its app's ``AppConfig.ready``::

    register_adapter("email", EmailAdapter())

``send(row) -> str``
    Deliver the row (an :class:`~agencydesk.outbox.models.OutboxRow` of any
    registered table) and return the channel's id of what was delivered. It
    must be idempotent on ``row.idempotency_key`` or on its own record of
    earlier attempts: the outbox may call it again after a crash. It raises
    whatever the channel raises; it writes nothing to the row.

``classify(exc) -> Failure | None``
    What an exception raised by ``send`` means: a temporary failure (try again,
    after ``retry_after`` seconds if the channel said so), a permanent one (the
    channel refuses this row for good, or the call went out and no answer came
    back, so it may have been delivered and must not be sent again), or
    ``None`` for an exception that is not the channel's answer (a bug): the
    outbox lets it propagate and the row is reconciled later like a crash.
    :func:`channel_failure` classifies the outbox's own exceptions and is what
    an adapter falls back to.

``reconcile(row) -> str | None``
    Asked about a row left ``sending`` by a worker that died mid-call: the
    channel's id if an earlier attempt was delivered, ``None`` if surely none
    was (the outbox sends it again), or raise :class:`MaybeDelivered` when
    the channel cannot tell: the row fails with that reason for a person to
    check, and nothing sends it again by itself.

The outbox owns every state change (:mod:`agencydesk.outbox.machine`); an
adapter only talks to its channel. This package imports none of the apps whose
rows it delivers: they register their tables and adapters into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from agencydesk.outbox.models import OutboxRow


class TemporaryFailure(Exception):
    """Try again later (rate limit, network, 5xx); ``retry_after`` seconds if the channel said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """The channel refuses this message for good (no such chat, blocked)."""


class MaybeDelivered(PermanentFailure):
    """A call went out and its answer was lost: it may be in the chat, so it is never sent again."""


@dataclass(frozen=True)
class Failure:
    """What a failed send means for the row: retry (after ``retry_after`` if known) or give up."""

    reason: str
    permanent: bool
    retry_after: float | None = None

    @classmethod
    def temporary(cls, reason: str, retry_after: float | None = None) -> Failure:
        return cls(reason=reason, permanent=False, retry_after=retry_after)

    @classmethod
    def final(cls, reason: str) -> Failure:
        return cls(reason=reason, permanent=True)


def channel_failure(exc: BaseException) -> Failure | None:
    """The outbox's own exceptions, as an adapter raises them; ``None`` for anything else."""
    if isinstance(exc, TemporaryFailure):
        return Failure.temporary(str(exc), exc.retry_after)
    if isinstance(exc, PermanentFailure):
        return Failure.final(str(exc))
    return None


class ChannelAdapter(Protocol):
    name: str

    def send(self, row: OutboxRow) -> str:
        """Deliver; returns the channel's id of the delivered message."""
        ...

    def classify(self, exc: Exception) -> Failure | None:
        """What an exception of ``send`` means; ``None`` if it is not the channel's answer."""
        ...

    def reconcile(self, row: OutboxRow) -> str | None:
        """The channel's id if an earlier attempt was delivered, else None; ``MaybeDelivered`` if unknown."""
        ...


_ADAPTERS: dict[str, ChannelAdapter] = {}
_FALLBACK: list[ChannelAdapter] = []


def register_adapter(channel: str, adapter: ChannelAdapter, *, fallback: bool = False) -> None:
    """Deliver ``channel`` through ``adapter``; a ``fallback`` one takes every channel with none."""
    _ADAPTERS[channel] = adapter
    if fallback:
        _FALLBACK[:] = [adapter]


def adapter_for(channel: str) -> ChannelAdapter:
    adapter = _ADAPTERS.get(channel)
    if adapter is not None:
        return adapter
    if _FALLBACK:
        return _FALLBACK[0]
    raise LookupError(f"no outbox adapter for channel {channel!r}")
