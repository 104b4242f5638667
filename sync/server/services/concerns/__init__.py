"""Concerns from anyone: what a concern does to the record however it arrives (store.py, shared
with the push), staff recording and acknowledging one (record.py), and reading them by child or
by reporter with repeat reports counted (reads.py)."""

from sync.server.services.concerns.reads import concerns_of_child, concerns_of_reporter
from sync.server.services.concerns.record import acknowledge_concern, record_concern

__all__ = ["acknowledge_concern", "concerns_of_child", "concerns_of_reporter", "record_concern"]
