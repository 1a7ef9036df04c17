"""The commitment ledger: every promise to a client is one row with a due moment, an owner and a state."""
