"""`seen demo`: the central record on an embedded SQLite file and the app with a synthetic caseload."""

from __future__ import annotations

__all__ = ["run_demo"]


def run_demo(*, data_dir: str, port: int, server_port: int) -> None:
    raise NotImplementedError
