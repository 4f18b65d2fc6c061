"""Who may get in: passwords, TOTP, recovery codes, sessions, step-up and per-route access."""
