"""Where an article lands: its identity, and idempotent writes."""
