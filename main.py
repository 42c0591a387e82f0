"""Touchless checkout kiosk. `python main.py --help` lists the commands."""
import os
import sys

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # pygame prints a banner on import otherwise

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
