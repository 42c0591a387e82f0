"""A fleet of kiosks: each relays its orders, heartbeats and figures to one central PostgreSQL (central.py)."""
