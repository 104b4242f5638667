"""A real central record (`seen server` in a subprocess on 127.0.0.1) and a TCP proxy that can cut
a connection: both live in seen_cli/loadtest, which `seen loadtest` drives too."""

from __future__ import annotations

from seen_cli.loadtest.proxy import FaultProxy as DroppingProxy
from seen_cli.loadtest.server import LiveServer, free_port

__all__ = ["DroppingProxy", "LiveServer", "free_port"]
