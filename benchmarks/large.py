"""`seen bench --only large` (not in the default run: it takes minutes): a device pushing 50,000
visits end to end over real sockets, SQLite, beside 1,000 in the same run, so the cost per visit
at each size is compared on the same machine at the same time (target: within 15%)."""

from __future__ import annotations

from benchmarks.sync import Report, push_once, quiet

__all__ = ["run"]


def run(report: Report, *, quick: bool, peer: bool = False) -> None:
    sizes = (1000, 10_000) if quick else (1000, 50_000)
    per_visit = {}
    for visits in sizes:
        with quiet():
            seconds = push_once("sqlite", visits)
        per_visit[visits] = seconds / visits * 1000
        report(f"push {visits:,} visits end to end SQLite, over sockets", seconds, "s")
        report(f"  per visit at {visits:,}", per_visit[visits], "ms/visit")
    small, large = sizes
    report(
        f"  per visit at {large:,} to per visit at {small:,}",
        per_visit[large] / per_visit[small],
        "x",
        "<= 1.15x",
    )
