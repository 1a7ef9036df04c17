"""Conversations and messages with clients, the outbox, and the rules they set off."""
