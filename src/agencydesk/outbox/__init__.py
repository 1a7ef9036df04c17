"""The one outbox: every message the desk delivers, to a client or to a colleague, goes through here.

:mod:`.models` holds the columns every outbox table shares, :mod:`.services`
the state machine (claim, sent, failure with one backoff, hold and release,
re-enqueue of lost hand-overs, reconciliation of sends that died mid-call),
:mod:`.adapters` the protocol a channel implements to plug in. This package
sits below messaging and the connectors and imports none of them.
"""
