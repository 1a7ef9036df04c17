"""A proxy nobody told AgencyDesk about is noticed: lockouts would otherwise hit everyone."""

from __future__ import annotations

from types import SimpleNamespace

from agencydesk.accounts.proxy import ForwardedHeaderGuard, startup_warning
from agencydesk.cli import waitress_options

PRODUCTION = SimpleNamespace(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
LAPTOP = SimpleNamespace(SECURE_PROXY_SSL_HEADER=None)


def test_production_without_a_trusted_proxy_warns_at_start():
    assert "WEB_TRUSTED_PROXY" in startup_warning({}, PRODUCTION)
    assert "WEB_TRUSTED_PROXY" in startup_warning({"WEB_TRUSTED_PROXY": "  "}, PRODUCTION)
    assert startup_warning({"WEB_TRUSTED_PROXY": "10.0.0.1"}, PRODUCTION) is None
    # A laptop serves browsers directly: nothing to warn about.
    assert startup_warning({}, LAPTOP) is None


def _call(guard, environ):
    seen = {}

    def app(env, start_response):
        seen.update(env)
        return [b""]

    guard.app = app
    guard(environ, lambda *a: None)
    return seen


def test_forwarded_headers_from_an_untrusted_peer_warn_once_per_peer_and_are_dropped():
    warnings: list[str] = []
    guard = ForwardedHeaderGuard(lambda env, sr: [b""], on_warning=warnings.append)
    forwarded = {
        "REMOTE_ADDR": "10.0.0.5",
        "HTTP_X_FORWARDED_FOR": "198.51.100.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_FORWARDED": "for=198.51.100.7",
    }
    seen = _call(guard, dict(forwarded))
    assert "HTTP_X_FORWARDED_FOR" not in seen and "HTTP_X_FORWARDED_PROTO" not in seen
    assert "HTTP_FORWARDED" not in seen
    assert seen["REMOTE_ADDR"] == "10.0.0.5"
    _call(guard, dict(forwarded))
    assert len(warnings) == 1
    assert "WEB_TRUSTED_PROXY=10.0.0.5" in warnings[0]
    _call(guard, {**forwarded, "REMOTE_ADDR": "10.0.0.6"})
    assert len(warnings) == 2
    # A browser talking to the server directly says nothing.
    _call(guard, {"REMOTE_ADDR": "192.0.2.1"})
    assert len(warnings) == 2


def test_waitress_leaves_untrusted_headers_to_the_guard_only_without_a_trusted_proxy():
    alone = waitress_options({}, threads=4, connections=10)
    assert alone["clear_untrusted_proxy_headers"] is False
    assert "trusted_proxy" not in alone
    behind = waitress_options({"WEB_TRUSTED_PROXY": "127.0.0.1"}, threads=4, connections=10)
    assert behind["trusted_proxy"] == "127.0.0.1"
    assert "clear_untrusted_proxy_headers" not in behind
