"""Pydantic building blocks shared by the API schemas."""

from __future__ import annotations

import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def _no_control_chars(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


def _valid_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}: give an IANA name such as Europe/Moscow"
        ) from exc
    return value


def text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length, strip_whitespace=True),
        AfterValidator(_no_control_chars),
    ]


TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_valid_timezone)]
