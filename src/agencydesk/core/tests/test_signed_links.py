"""Signed links: a tampered, expired or foreign token opens nothing, and says which."""

import datetime as dt

import pytest

from agencydesk.core import signed_links
from agencydesk.core.signed_links import (
    LinkClaim,
    LinkProblem,
    link_claim,
    link_claim_for,
    link_token,
)

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def purposes(monkeypatch):
    monkeypatch.setattr(signed_links, "KNOWN_PURPOSES", [])
    signed_links.register_purpose("approval")
    signed_links.register_purpose("minutes")
    signed_links.register_purpose("minutes")


def token(**kwargs):
    values = {
        "purpose": "approval",
        "object_id": 7,
        "contact_id": 3,
        "version": 2,
        "expires_at": NOW + dt.timedelta(days=5),
    }
    values.update(kwargs)
    return link_token(**values)


def test_a_token_reads_back_as_its_claim():
    claim = link_claim(token(), purpose="approval", now=NOW)
    assert claim == LinkClaim("approval", 7, 3, 2, NOW + dt.timedelta(days=5))
    assert signed_links.KNOWN_PURPOSES == ["approval", "minutes"]


def test_a_changed_character_is_tampering():
    good = token()
    position = len(good) // 3
    bad = good[:position] + ("A" if good[position] != "A" else "B") + good[position + 1 :]
    assert link_claim(bad, purpose="approval", now=NOW) is LinkProblem.TAMPERED
    assert link_claim("", purpose="approval", now=NOW) is LinkProblem.TAMPERED
    assert link_claim("x" * 5000, purpose="approval", now=NOW) is LinkProblem.TAMPERED


def test_a_token_expires_at_its_moment():
    good = token(expires_at=NOW + dt.timedelta(minutes=1))
    assert isinstance(link_claim(good, purpose="approval", now=NOW), LinkClaim)
    assert (
        link_claim(good, purpose="approval", now=NOW + dt.timedelta(minutes=1))
        is LinkProblem.EXPIRED
    )


def test_another_purpose_or_object_is_foreign():
    assert link_claim(token(purpose="minutes"), purpose="approval", now=NOW) is LinkProblem.FOREIGN
    assert link_claim_for(token(), purpose="approval", object_id=8, now=NOW) is LinkProblem.FOREIGN
    assert isinstance(link_claim_for(token(), purpose="approval", object_id=7, now=NOW), LinkClaim)


def test_a_naive_expiry_is_refused():
    with pytest.raises(ValueError):
        token(expires_at=dt.datetime(2026, 12, 8, 10, 0))


def test_another_secret_makes_every_token_tampered(settings):
    good = token()
    settings.SECRET_KEY = "another secret, another site"
    assert link_claim(good, purpose="approval", now=NOW) is LinkProblem.TAMPERED
