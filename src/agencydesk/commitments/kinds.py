"""The registry of kinds of commitment: every rule of the desk declared once, by the app that owns it.

An app declares each kind of promise it makes in its ``AppConfig.ready`` with
:func:`kind_register`: the label, what the commitment is about, the sentence
that explains it, the action it offers in Today, what the desk does when its
action moment comes, and how that moment is recomputed when a calendar
changes. The clock, Today, the reasons, the statistics and (later) client
health read this registry and never name a kind, so a new kind of promise
costs one declaration in one app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

if TYPE_CHECKING:
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.commitments.models import Commitment

Label = str | Promise


@dataclass(frozen=True)
class Reason:
    """What a kind's sentence may use: the stored values of one commitment, with its moments
    already written in the client's time (``start``, ``due``)."""

    params: dict[str, Any]
    start: str
    due: str
    minutes: int
    zone: str


@dataclass(frozen=True)
class Item:
    """What a kind's Today link may use: one row of the ledger, never a model object."""

    id: int
    client_id: int
    subject_id: int
    params: dict[str, Any]


Moments = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class Batch:
    """Many commitments of one kind being recomputed in a changed calendar, as arrays.

    Moments are UTC ``datetime64[us]``; ``action`` is NaT where the desk has
    nothing to do; ``due`` holds the due moments already recomputed.
    """

    start: Moments
    due: Moments
    action: Moments
    params: list[dict[str, Any]]


@dataclass(frozen=True)
class Extra:
    """An action a kind offers in Today beside the ones every item has.

    ``perform`` is the owning app's service, called with the commitment, the
    person and the moment; it raises ``ValidationError`` or ``PermissionDenied``.
    """

    code: str
    label: Label
    perform: Callable[..., Any]


@dataclass(frozen=True)
class KindSpec:
    """One kind of commitment, as its owning app declares it.

    * ``subject`` is the ``app_label.model`` of what the commitment is about;
    * ``sentence(reason)`` explains it in the active language;
    * ``action`` labels the main action in Today and ``url(item, reverse)`` is
      where it leads (``reverse`` is Django's, memoised for one Today);
    * ``on_action(commitment=, at=)`` is what the desk does at ``action_at``
      (send an acknowledgement, escalate...); it returns True when it acted and
      is counted by the clock under ``counter``. Without it the desk only clears
      ``action_at``;
    * ``action_moment(commitment, engine)`` recomputes ``action_at`` when the
      calendar changes; without it ``action_at`` is kept. ``action_moments(batch,
      engine)`` is the same over a :class:`Batch` (NaT for none), which a bulk
      recompute uses instead of calling ``action_moment`` once per row;
    * ``extras`` are kind-specific Today actions ("no reply needed").
    """

    code: str
    label: Label
    subject: str
    sentence: Callable[[Reason], str]
    action: Label
    url: Callable[[Item, Callable[..., str]], str]
    on_action: Callable[..., bool] | None = None
    counter: str = "acted"
    action_moment: Callable[[Commitment, WorkCalendar], datetime | None] | None = None
    action_moments: Callable[[Batch, WorkCalendar], Moments] | None = None
    extras: tuple[Extra, ...] = field(default_factory=tuple)


KINDS: dict[str, KindSpec] = {}


def kind_register(spec: KindSpec) -> KindSpec:
    """Declare a kind; declaring the same code again (apps reloaded in tests) replaces it."""
    if len(spec.code) > 40:
        raise ValueError(f"kind code {spec.code!r} is longer than 40 characters")
    KINDS[spec.code] = spec
    return spec


def kind_label(code: str) -> str:
    spec = KINDS.get(code)
    return str(spec.label) if spec else code


def counters() -> list[str]:
    """The names under which the clock counts what the desk did, one per declared behaviour."""
    return sorted({spec.counter for spec in KINDS.values() if spec.on_action is not None})


def validate_kind(code: str) -> None:
    """A commitment's kind must be declared by some app (kinds are not fixed choices any more)."""
    if code not in KINDS:
        raise ValidationError(f"no app declares the commitment kind {code!r}", code="invalid")
