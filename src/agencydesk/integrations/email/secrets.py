"""Mailbox passwords at rest: Fernet with the key from ``AGENCYDESK_MAILBOX_KEY``.

Production refuses to start without the key (``settings/production.py``); in
development and tests a key is derived from ``SECRET_KEY`` so the desk runs
with nothing set. Losing the key means entering every mailbox password again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> Fernet:
    key = settings.AGENCYDESK_MAILBOX_KEY
    if not key:
        digest = hashlib.sha256(f"agencydesk-mailbox:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    try:
        return Fernet(key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "AGENCYDESK_MAILBOX_KEY must be a Fernet key (32 url-safe base64 bytes): "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from exc


def password_encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def password_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A mailbox password cannot be decrypted: AGENCYDESK_MAILBOX_KEY changed. "
            "Enter the mailbox password again."
        ) from exc
