"""The desk's rules as the bench asks them: every moment through the functions the services use.

Nothing here decides a moment of its own: due moments are ``engine.add`` (the
vectorised ``add_many``) of the client's calendar, as ``commitment_open`` and
``commitment_escalate`` compute them; the acknowledgement moment is
``acknowledgement_moment``; "one business day" is ``business_day_minutes`` at
the moment it starts; keep in touch counts ``days_later`` with the warning of
``messaging.services``. What the bench adds is only which messages happen when.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.selectors import (
    acknowledgement_moment,
    business_day_minutes,
    calendar_engine,
    days_later,
    engine_from_rows,
)
from agencydesk.messaging.services import KEEP_IN_TOUCH_WARN_DAYS
from benchdata.base import EPOCH, MINUTE, NONE, _us


def _aware(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class Rules:
    """Per client, the rules of the client's calendar and settings, over int64 UTC microseconds."""

    def _engines(self) -> None:
        # The bench's shared calendars are saved only when the rows are written:
        # their engines come from the one builder stored calendars use too.
        self.engines: list[WorkCalendar] = [calendar_engine(self.calendars[0])] + [
            engine_from_rows(
                timezone=c.timezone, hours=c.hours, country=c.country, subdivision="", rows=[]
            )
            for c in self.calendars[1:]
        ]
        self.cal_offset = np.array(
            [int(self.now.astimezone(e.tz).utcoffset().total_seconds()) for e in self.engines]  # type: ignore[union-attr]
        )

    def _engine(self, client: int) -> WorkCalendar:
        return self.engines[self.cl_cal[client]]

    def _add(self, clients: np.ndarray, starts: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """Due moments: ``minutes`` business minutes after ``starts`` (``engine.add_many``)."""
        out = np.empty(len(starts), dtype=np.int64)
        cals = self.cl_cal[clients]
        for k, engine in enumerate(self.engines):
            mask = cals == k
            if mask.any():
                moments = starts[mask].view("datetime64[us]")
                out[mask] = engine.add_many(moments, minutes[mask]).view(np.int64)
        return out

    def _between(self, clients: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Business minutes from ``a`` to ``b``, as ``commitment_meet`` measures a response."""
        out = np.empty(len(a), dtype=np.float64)
        cals = self.cl_cal[clients]
        for k, engine in enumerate(self.engines):
            mask = cals == k
            if mask.any():
                diff = engine.between_many(
                    a[mask].view("datetime64[us]"), b[mask].view("datetime64[us]")
                )
                out[mask] = diff.view(np.int64) / MINUTE
        return out

    def _ack_at(self, clients: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """When the desk acknowledges each message (``acknowledgement_moment``)."""
        ack = self.cl_ack
        return np.array(
            [
                _us(acknowledgement_moment(self._engine(c), _aware(t), int(ack[c])))
                for c, t in zip(clients.tolist(), starts.tolist(), strict=True)
            ],
            dtype=np.int64,
        )

    def _day_minutes(self, clients: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """ "One business day" from each moment (``business_day_minutes``)."""
        return np.array(
            [
                business_day_minutes(self._engine(c), _aware(t))
                for c, t in zip(clients.tolist(), starts.tolist(), strict=True)
            ],
            dtype=np.int64,
        )

    def _keep_in_touch(self, clients: np.ndarray, touched: np.ndarray) -> tuple[np.ndarray, ...]:
        """Due and visible moments of keep in touch after each touch, in calendar days.

        ``days_later`` is a fixed span whatever the moment, so it is asked once per
        number of days and the span added to the whole column.
        """
        days = self.cl_kit[clients]
        due = np.full(len(touched), NONE)
        visible = np.full(len(touched), NONE)

        def span(d: int) -> int:
            return _us(days_later(EPOCH, d))

        for d in np.unique(days).tolist():
            mask = days == d
            due[mask] = touched[mask] + span(d)
            visible[mask] = touched[mask] + span(max(d - KEEP_IN_TOUCH_WARN_DAYS, 1))
        return due, visible
