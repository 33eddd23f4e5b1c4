"""Help requests: the kiosk's local outbox (the desk store and sender come with the escalation issue)."""
