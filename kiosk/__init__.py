"""Touchless checkout kiosk."""

__version__ = "0.14.0"
"""Sent in fleet heartbeats; raise it with each release."""
