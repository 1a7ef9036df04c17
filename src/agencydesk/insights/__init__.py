"""Reads across the ledger: the Today queue, the director overview, response statistics."""
