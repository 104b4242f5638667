"""The managers' and duty workers' console: server-rendered pages under /console (router.py),
staff sign-in (auth.py) and sessions (sessions.py), with the GOV.UK Frontend macros and assets."""

from sync.server.console.router import mount_console

__all__ = ["mount_console"]
