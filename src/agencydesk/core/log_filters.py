"""Logging filters: an ordinary refusal is one line in the server log, not a traceback."""

from __future__ import annotations

import logging

# Answers that are part of normal use (a missing page, a page someone may not see, a wrong
# method): Django logs them with the exception that produced them; the traceback says
# nothing an operator can act on and buries the real errors.
ORDINARY_STATUSES = frozenset({400, 403, 404, 405, 410})


class OrdinaryRefusalFilter(logging.Filter):
    """Drops the traceback of ``django.request`` records of ordinary 4xx answers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in ORDINARY_STATUSES:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
