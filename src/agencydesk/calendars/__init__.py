"""Business calendars: the time every timer runs in."""
