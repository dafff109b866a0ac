"""What the figures were measured on: the machine, its load, the software versions, and a calibration
loop whose wall-clock and CPU times show how much other work was competing for the processors."""
import os
import platform
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def calibration() -> dict:
    """A fixed pure-Python loop: on an idle machine wall and CPU time are equal; under load wall grows."""
    wall, cpu = time.perf_counter(), time.process_time()
    total = 0
    for n in range(3_000_000):
        total += n
    return {"loop_wall_ms": round((time.perf_counter() - wall) * 1000, 1),
            "loop_cpu_ms": round((time.process_time() - cpu) * 1000, 1)}


def database_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version()")).scalar().split(" on ")[0]
    finally:
        engine.dispose()


def describe(url: str) -> dict:
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(), "cpu_model": _cpu_model(), "memory_gb": _memory_gb(),
        "python": platform.python_version(), "database": database_version(url),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
