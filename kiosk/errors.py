"""Errors a user can act on. The CLI prints them as one line, with no traceback.

- InputError: bad input from the user (a file, a flag, a config value): exit code 2.
- KioskError: the environment failed us (no camera, model missing): exit code 1.
"""


class KioskError(Exception):
    exit_code = 1


class InputError(KioskError):
    exit_code = 2
