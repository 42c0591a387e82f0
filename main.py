"""Touchless checkout kiosk. `python main.py --help` lists the commands."""
import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
