"""Pydantic building blocks shared by the API schemas."""

from __future__ import annotations

import zoneinfo
from typing import Annotated

from django.core.exceptions import ValidationError
from pydantic import AfterValidator, StringConstraints

from agencydesk.core.validators import LINK_MAX_LENGTH, validate_attachment_link


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


def _safe_link(value: str) -> str:
    try:
        validate_attachment_link(value)
    except ValidationError as exc:
        raise ValueError(" ".join(str(m) for m in exc.messages)) from exc
    return value


# http, https or mailto, never javascript: or data: (see core.validators).
Link = Annotated[
    str,
    StringConstraints(max_length=LINK_MAX_LENGTH, strip_whitespace=True),
    AfterValidator(_safe_link),
]

TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_valid_timezone)]
