"""The task queues, in the order workers serve them.

Plain constants with no Django import: the settings read them too.
"""

from __future__ import annotations

# Work someone is waiting for right now: a client's Telegram message to record,
# a reply or an acknowledgement to deliver, an account manager's alert.
URGENT = "urgent"
# Everything that may wait behind it: recomputing a calendar's timers, creating topics.
DEFAULT = "default"

# A worker told to serve several queues takes from the first one that has work.
QUEUES = [URGENT, DEFAULT]

# The database backend orders ready tasks by priority alone (django-tasks-db
# ignores the order of queue names), so each queue's tasks carry its priority.
QUEUE_PRIORITY = {URGENT: 50, DEFAULT: 0}
