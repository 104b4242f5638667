"""The console's actions, each a plain form post checked by forms.posted (a full session and its
CSRF token) and done by the central record's own services, which hold the rules and the scope:
record and acknowledge concerns (concerns.py), acknowledge and close flags (flags.py), record a
decision (decisions.py), and the review queue with its sign-off and "back to the worker" (review.py).
"""

from fastapi import APIRouter

from sync.server.console.acts import concerns, decisions, flags, review

__all__ = ["routers"]

routers: list[APIRouter] = [concerns.router, flags.router, decisions.router, review.router]
