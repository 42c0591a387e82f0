"""Touchless checkout kiosk. `python main.py --help` lists the commands."""
import os
import sys

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # pygame prints a banner on import otherwise

if __name__ == "__main__":
    try:  # Ctrl+C while the heavy imports load is a quiet exit too, like Ctrl+C later (kiosk/cli.py)
        from kiosk.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(main())
