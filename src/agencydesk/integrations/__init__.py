"""Connectors to the outside world: one sub-package per service."""
