"""Figures: repeated timings summarised as median and percentiles, targets, the printed table and the
JSON results file."""
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Figure:
    """One measured thing: its samples, what it is compared with, and what else is worth knowing."""

    section: str                 # a-f, as in the issue
    name: str
    unit: str                    # ms, req/s, ratio, queries
    samples: list[float]
    target: str = ""             # e.g. "median <= 100 ms"
    met: bool | None = None
    details: dict = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def summary(self) -> dict:
        return {"section": self.section, "name": self.name, "unit": self.unit, "runs": len(self.samples),
                "median": round(self.median, 2), "p95": round(percentile(self.samples, 95), 2),
                "p99": round(percentile(self.samples, 99), 2), "min": round(min(self.samples), 2),
                "max": round(max(self.samples), 2), "target": self.target, "met": self.met, **self.details}


@dataclass
class Timings:
    wall: list[float]   # milliseconds per call, as a client waits
    cpu: list[float]    # milliseconds of this process's CPU per call: what the call costs, whatever the load

    @property
    def cpu_median(self) -> float:
        return round(statistics.median(self.cpu), 1)


def time_calls(call: Callable[[], object], *, warmup: int = 2, min_runs: int = 5, max_runs: int = 20,
               budget: float = 20.0) -> Timings:
    """Time calls: after `warmup` calls, at least min_runs, at most max_runs, within budget seconds."""
    for _ in range(warmup):
        call()
    timings = Timings([], [])
    deadline = time.monotonic() + budget
    while len(timings.wall) < max_runs and (len(timings.wall) < min_runs or time.monotonic() < deadline):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        timings.cpu.append((time.process_time() - cpu) * 1000)
        timings.wall.append((time.perf_counter() - wall) * 1000)
    return timings


def _number(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def table(figures: list[Figure]) -> str:
    """A plain-text table: one row per figure."""
    header = ("", "what", "runs", "median", "p95", "p99", "unit", "cpu median", "queries small/large", "target", "")
    rows = [header]
    for figure in figures:
        queries = figure.details.get("queries")
        if isinstance(queries, dict):
            queries = " / ".join(f"{v}" for v in queries.values())
        verdict = {True: "ok", False: "MISSED", None: ""}[figure.met]
        rows.append((figure.section, figure.name, str(len(figure.samples)), _number(figure.median, figure.unit),
                     _number(percentile(figure.samples, 95), figure.unit),
                     _number(percentile(figure.samples, 99), figure.unit), figure.unit,
                     str(figure.details.get("cpu_median_ms", "")), "" if queries is None else str(queries),
                     figure.target, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 5, 7}
    lines = ["  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_results(path: Path, figures: list[Figure], context: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**context, "figures": [f.summary() for f in figures]}, indent=2) + "\n")
