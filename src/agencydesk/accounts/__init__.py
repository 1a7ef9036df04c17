"""Users, roles, API tokens, sign-in."""
