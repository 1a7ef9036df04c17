"""What other apps show on a person's profile page, registered from their ``AppConfig.ready``.

The profile belongs to accounts, which no domain app may be imported into; an
app with something to say about a person (the Telegram connector: where their
alerts go) adds a section here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agencydesk.accounts.models import User


@dataclass(frozen=True)
class ProfileSection:
    """A template included on the profile, and the context it needs for the person."""

    template: str
    context: Callable[[User], dict[str, Any]]


PROFILE_SECTIONS: list[ProfileSection] = []


def register_profile_section(section: ProfileSection) -> None:
    if section not in PROFILE_SECTIONS:
        PROFILE_SECTIONS.append(section)
