"""`seen bench`: runs each benchmark group and prints one table of figures against their targets.

A group is a module in benchmarks/ with `run(report, *, quick, peer)`; `report(name, value, unit, target)`
records one figure. Benchmarks measure; tests never time anything.
"""

from __future__ import annotations

import importlib
import json
import logging
import platform
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import click

__all__ = ["GROUPS", "Figure", "percentile", "run_benchmarks"]

GROUPS = ("store", "sync", "app", "oversight")
MORE = ("large",)  # asked for by name (--only), never run by default: they take minutes
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figure:
    group: str
    name: str
    value: float
    unit: str
    target: str = ""


def percentile(samples: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty sample."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, round(pct / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def run_benchmarks(
    *, quick: bool, only: tuple[str, ...], json_path: str | None, peer: bool = False
) -> list[Figure]:
    unknown = set(only) - set(GROUPS) - set(MORE)
    if unknown:
        raise click.UsageError(
            f"unknown benchmark group {sorted(unknown)}; choose from {GROUPS + MORE}"
        )
    figures: list[Figure] = []
    for group in only or GROUPS:
        module = importlib.import_module(f"benchmarks.{group}")

        def report(
            name: str, value: float, unit: str, target: str = "", group: str = group
        ) -> None:
            figure = Figure(group, name, value, unit, target)
            figures.append(figure)
            click.echo(_row(figure))

        click.echo(f"== {group} ==")
        module.run(report, quick=quick, peer=peer)
    if json_path:
        meta = {
            "python": sys.version.split()[0], "machine": platform.machine(), "quick": quick,
            "peer": peer,
        }  # fmt: skip
        Path(json_path).write_text(
            json.dumps({"meta": meta, "figures": [asdict(f) for f in figures]}, indent=2)
        )
    return figures


def _row(f: Figure) -> str:
    value = f"{f.value:,.3f}" if f.value < 100 else f"{f.value:,.0f}"
    target = f"  (target {f.target})" if f.target else ""
    return f"  {f.name:<52} {value:>12} {f.unit:<10}{target}"
