"""Shared constants of the bench data set: units, calendars, kinds, states, and moment helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

USER_PREFIX = "bench-"
CALENDAR_PREFIX = "[bench] "

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
NONE = np.iinfo(np.int64).min  # "no moment" in the int64 microsecond arrays
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BACKLOG = 3 * DAY  # the window of the active backlog, before now
REBUILD_INDEXES_FROM = 50_000  # rows: load an empty table first, index it afterwards

# Shared calendars besides the agency default: name, zone, hours, country, language.
CALENDARS = [
    ("Almaty", "Asia/Almaty", "mon-fri 09:00-18:00", "KZ", "ru"),
    (
        "Kyiv",
        "Europe/Kyiv",
        "mon-thu 09:00-13:00,14:00-18:00; fri 09:00-13:00,14:00-16:45",
        "UA",
        "uk",
    ),
    ("Sofia", "Europe/Sofia", "mon-fri 09:30-18:30", "BG", "bg"),
    ("London", "Europe/London", "mon-thu 09:00-17:30; fri 09:00-16:00", "GB", "en"),
]
CALENDAR_SHARE = [0.5, 0.14, 0.14, 0.12, 0.10]  # default first

KINDS = ["first_response", "question", "keep_in_touch", "follow_up", "call"]
FR, QUESTION, KIT, FOLLOW_UP, CALL = range(5)
STATES = ["open", "breached", "met", "cancelled"]
OPEN, BREACHED, MET = range(3)


def _us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _moments(values: np.ndarray) -> list[datetime | None]:
    """Aware datetimes of int64 UTC microseconds; NONE gives None."""
    naive = values.astype("datetime64[us]").tolist()
    return [
        None if v == NONE else d.replace(tzinfo=UTC)
        for v, d in zip(values.tolist(), naive, strict=True)
    ]


def _datetimes(values: np.ndarray, vendor: str) -> list[Any]:
    """A DateTimeField column for the driver from int64 UTC microseconds (NONE: NULL).

    Text built by NumPy for the whole column: on SQLite exactly what Django
    stores, ``str()`` of the naive UTC moment (no fraction when it is zero); on
    PostgreSQL the same with ``+00:00``, which ``COPY`` reads as timestamptz.
    """
    null = values == NONE
    moments = values.view("datetime64[us]")
    text = np.where(
        values % US == 0,
        np.datetime_as_string(moments, unit="s"),
        np.datetime_as_string(moments, unit="us"),
    )
    text = np.strings.replace(text, "T", " ")
    if vendor != "sqlite":
        text = np.strings.add(text, "+00:00")
    return [None if n else t for n, t in zip(null.tolist(), text.tolist(), strict=True)]


def _ids(values: np.ndarray, ids: np.ndarray) -> list[int | None]:
    """Database ids of planned rows (index -1 gives None)."""
    out = np.where(values >= 0, ids[np.maximum(values, 0)], -1).tolist()
    return [None if v < 0 else v for v in out]
