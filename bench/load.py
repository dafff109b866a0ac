"""Section f: requests per second of the public document page (anonymous) under concurrent load, side
by side with a bare Flask route that returns the same bytes, both on one gunicorn+gevent process.

The load comes from wrk (Debian's package `wrk`) when it is installed; otherwise from an asyncio client
in Python, which needs much more CPU per request and so, on a small machine, takes CPU from the server:
both figures then come out lower, the ratio less so. The JSON results name the load generator.

Beside requests per second, each run records the server's CPU time per request (from /proc): on a
machine busy with other work the rates fall, but the CPU cost of a request, and the ratio of the two
costs, stay close to what an idle machine would show.
"""
import asyncio
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

import aiohttp

from .servers import Server
from .stats import Figure

TARGET_RATIO = 0.5
CONNECTIONS = 32


@dataclass
class Run:
    rps: float
    requests: int
    errors: int
    cpu_ms_per_request: float


def _wrk(url: str, seconds: int) -> tuple[int, float, int]:
    output = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", url],
                            capture_output=True, text=True, check=True).stdout
    requests, elapsed = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output).group(1, 2)
    unit = re.search(r"\d+ requests in [\d.]+(m?s)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    return int(requests), float(elapsed) / (1000 if unit == "ms" else 1), int(errors.group(1)) if errors else 0


async def _python_load(url: str, seconds: int) -> tuple[int, float, int]:
    done, errors = 0, 0
    deadline = time.monotonic() + seconds

    async def worker(session):
        nonlocal done, errors
        while time.monotonic() < deadline:
            async with session.get(url) as response:
                await response.read()
                done += 1
                errors += response.status != 200

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(session) for _ in range(CONNECTIONS)))
        return done, time.monotonic() - started, errors


def load_generator() -> str:
    return "wrk" if shutil.which("wrk") else "python-asyncio"


def load(server: Server, path: str, seconds: int) -> Run:
    url = server.url + path
    cpu = server.cpu_seconds()
    if shutil.which("wrk"):
        requests, elapsed, errors = _wrk(url, seconds)
    else:
        requests, elapsed, errors = asyncio.run(_python_load(url, seconds))
    used = server.cpu_seconds() - cpu
    return Run(requests / elapsed, requests, errors, used * 1000 / max(requests, 1))


def measure_throughput(page: Server, bare: Server, uncached: Server, path: str, *, seconds: int, rounds: int,
                       page_bytes: int) -> list[Figure]:
    """Alternate the public page and the bare route `rounds` times; then the page with its cache off."""
    pages, bares = [], []
    for _ in range(rounds):
        pages.append(load(page, path, seconds))
        bares.append(load(bare, "/", seconds))
    slow = load(uncached, path, seconds)
    details = {"connections": CONNECTIONS, "seconds": seconds, "page_bytes": page_bytes,
               "load_generator": load_generator()}

    def rates(label: str, runs: list[Run]) -> Figure:
        cpu = sorted(r.cpu_ms_per_request for r in runs)[len(runs) // 2]
        return Figure("f", label, "req/s", [r.rps for r in runs],
                      details={**details, "errors": sum(r.errors for r in runs), "cpu_median_ms": round(cpu, 2)})

    page_figure, bare_figure = rates("public document page, anonymous (page cache on)", pages), \
        rates("bare Flask route, the same bytes", bares)
    ratio = Figure("f", "ratio public page / bare Flask", "ratio", [p.rps / b.rps for p, b in zip(pages, bares)],
                   f">= {TARGET_RATIO}", details={
                       **details, "cpu_ratio": round(bare_figure.details["cpu_median_ms"]
                                                     / page_figure.details["cpu_median_ms"], 2)})
    errors = page_figure.details["errors"] + bare_figure.details["errors"]
    ratio.met = errors == 0 and ratio.median >= TARGET_RATIO
    uncached_figure = rates("public document page, page cache off", [slow])
    uncached_figure.details["ratio_to_bare"] = round(slow.rps / bare_figure.median, 3)
    return [page_figure, bare_figure, ratio, uncached_figure]
