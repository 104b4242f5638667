"""What acknowledging a concern needs, in words: importable by view-models (no store, no crypto),
so the screen and the workflow refuse the same text the same way."""

from __future__ import annotations

from models.base import storable_problem
from models.concern import ConcernReceived, acknowledgement_problem
from sync.protocol_concerns import MAX_CONCERN_TEXT

__all__ = ["action_problem"]


def action_problem(concern: ConcernReceived, action_taken: str) -> str | None:
    """Why `action_taken` cannot acknowledge `concern`, in words, or None: the domain's rule,
    then what the central record would refuse (too long, unstorable characters)."""
    problem = acknowledgement_problem(concern, action_taken)
    if problem is not None:
        return problem
    if len(action_taken) > MAX_CONCERN_TEXT:
        return f"What you did is too long: keep it under {MAX_CONCERN_TEXT:,} characters."
    unstorable = storable_problem(action_taken)
    return f"What you did: {unstorable}." if unstorable else None
