"""Cross-cutting pieces: the audit log, base layout, permissions helpers."""
