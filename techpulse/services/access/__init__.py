"""Who gets into the staff area: accounts, sessions, two-factor login, resets, throttling."""
