"""Noticing a reverse proxy that nobody told AgencyDesk about.

Sign-in lockouts count failures per name and address. Behind a proxy that
waitress does not trust (``WEB_TRUSTED_PROXY`` empty), every request seems to
come from the proxy itself, so one person's wrong passwords lock out everyone
with that name, and the address column of every lockout is the proxy's.
Nothing else shows that mistake, so it is said loudly: at start-up under
production settings, by ``check --deploy`` (agencydesk.W011), and on the first
request that arrives with ``X-Forwarded-For``.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from waitress.proxy_headers import PROXY_HEADERS, clear_untrusted_headers

logger = logging.getLogger("agencydesk.proxy")
WARNED_PEERS_MAX = 256

WARNING_TEXT = (
    "WEB_TRUSTED_PROXY is empty, so behind a reverse proxy every request seems to come "
    "from the proxy's own address: sign-in lockouts (per username and address) then "
    "lock a name out for everyone, and the real client addresses are lost. Set "
    "WEB_TRUSTED_PROXY to the proxy's address."
)


def behind_tls_proxy(settings: Any) -> bool:
    """The settings expect TLS to end at a proxy in front (the production settings do)."""
    return bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))


def startup_warning(environ: Mapping[str, str], settings: Any) -> str | None:
    """The warning to give when serving starts, or None when the set-up is coherent."""
    if environ.get("WEB_TRUSTED_PROXY", "").strip() or not behind_tls_proxy(settings):
        return None
    return WARNING_TEXT


def warn(text: str) -> None:
    """Log a WARNING and print to stderr too: a start script may not show the log."""
    logger.warning(text)
    print(f"WARNING: {text}", file=sys.stderr, flush=True)


class ForwardedHeaderGuard:
    """WSGI wrapper for a server without a trusted proxy: warn once per peer, then drop the headers.

    It takes over what waitress's ``clear_untrusted_proxy_headers`` does (the
    forwarded headers of an untrusted peer are never believed) so that it can
    see them first.
    """

    def __init__(
        self, app: Callable[..., Iterable[bytes]], *, on_warning: Callable[[str], None] = warn
    ) -> None:
        self.app = app
        self.on_warning = on_warning
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if "HTTP_X_FORWARDED_FOR" in environ:
            peer = str(environ.get("REMOTE_ADDR", ""))
            with self._lock:
                # Bounded: a server facing the internet directly sees many peers.
                first = peer not in self._warned and len(self._warned) < WARNED_PEERS_MAX
                if first:
                    self._warned.add(peer)
            if first:
                self.on_warning(
                    f"A request from {peer} carries X-Forwarded-For, but {WARNING_TEXT} "
                    f"(here: WEB_TRUSTED_PROXY={peer})"
                )
        clear_untrusted_headers(environ, PROXY_HEADERS)
        return self.app(environ, start_response)
