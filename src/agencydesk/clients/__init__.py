"""The client register: dossier, contacts, key events, working file, etiquette, contract."""
