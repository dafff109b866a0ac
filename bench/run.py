"""Run the benchmark: build the data, measure sections a-i, print the table, write
bench/results/latest.json. `python -m bench --help` lists the options; docs/performance.md explains
the figures and records the last full run."""
import argparse
import os
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import redis

from deliberation.extensions import db

from . import inprocess, resolution, reviews, revision, search
from .data import LARGE, SMALL, Dataset, generate
from .database import RESULTS, fresh_database, make_app, server_environment
from .fanout import measure_fanout
from .load import measure_throughput
from .machine import calibration, describe
from .servers import running
from .stats import Figure, table, write_results

SECTIONS = "abcdefghij"


def _options(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--database", help="postgresql://... to measure on PostgreSQL (a fresh schema is made "
                                           "and dropped); default: a fresh SQLite file under bench/results/")
    parser.add_argument("--redis", help="Redis for the two-process fan-out (default: REDIS_URL, else "
                                        "redis://127.0.0.1:6379/0 when it answers)")
    parser.add_argument("--only", default=SECTIONS, help="sections to run, e.g. 'abcd' (a and b run together)")
    parser.add_argument("--clients", type=int, default=500, help="Socket.IO readers for e (default 500)")
    parser.add_argument("--posts", type=int, default=30, help="comments posted per fan-out run (default 30)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run in f (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="load runs per server in f (default 3)")
    parser.add_argument("--search-comments", type=int, default=100_000,
                        help="comments for the search measures in g (default 100,000, across 5 documents)")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


def _redis(option: str | None) -> str | None:
    url = option or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except redis.RedisError:
        if option:
            raise SystemExit(f"Redis at {option} does not answer.") from None
        return None


def _in_process(app, small: Dataset, large: Dataset, sections: str) -> list[Figure]:
    print("a-d: in-process requests and services", flush=True)
    figures = []
    if "a" in sections or "b" in sections:
        figures += [f for f in inprocess.measure_reads(app, small, large) if f.section in sections]
    if "c" in sections:
        figures.append(inprocess.measure_post(app, small, large))
    if "d" in sections:
        figures.append(inprocess.measure_tally(app, small, large))
    return figures


def _fanout(url: str, redis_url: str | None, ds: Dataset, options) -> tuple[list[Figure], list[str]]:
    env = server_environment(url)
    figures, notes = [], []
    print(f"e: Socket.IO fan-out to {options.clients} readers", flush=True)
    with running(("fanout-single", "bench.serve:app", env)) as (server,):
        figures += measure_fanout("1 process", [server.url], ds.version_id, ds.hot_clause_id, ds.reader_token,
                                  clients=options.clients, posts=options.posts)
    if redis_url is None:
        notes.append("e: no Redis answered, so the two-process fan-out was not measured")
        return figures, notes
    shared = {**env, "REDIS_URL": redis_url, "SOCKETIO_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}"}
    with running(("fanout-first", "bench.serve:app", shared), ("fanout-second", "bench.serve:app", shared)) as pair:
        figures += measure_fanout("2 processes over Redis", [s.url for s in pair], ds.version_id, ds.hot_clause_id,
                                  ds.reader_token, clients=options.clients, posts=options.posts)
    return figures, notes


def _throughput(url: str, ds: Dataset, options) -> list[Figure]:
    env = server_environment(url)
    path = f"/documents/{ds.document_id}/versions/1"
    print("f: public page throughput beside a bare Flask route", flush=True)
    with running(("page-cached", "bench.serve:app", env),
                 ("page-uncached", "bench.serve:app", {**env, "BENCH_PUBLIC_CACHE": "0"})) as (cached, uncached):
        page = urllib.request.urlopen(cached.url + path, timeout=60).read()  # rendered once, then cached
        captured = RESULTS / "public_page.html"
        captured.write_bytes(page)
        with running(("bare-flask", "bench.bare:app", {"BENCH_BARE_PAGE": str(captured)})) as (bare,):
            return measure_throughput(cached, bare, uncached, path, seconds=options.seconds, rounds=options.rounds,
                                      page_bytes=len(page))


def main(argv=None) -> int:
    options = _options(argv if argv is not None else sys.argv[1:])
    sections = "".join(s for s in SECTIONS if s in options.only)
    redis_url = _redis(options.redis) if "e" in sections else None
    started = time.monotonic()
    figures, notes = [], []
    with fresh_database(options.database) as url:
        context = {"machine": describe(url), "calibration_before": calibration(),
                   "options": {k: str(v) for k, v in vars(options).items()}}
        print(f"Benchmark on {context['machine']['database']}, {context['machine']['cpus']} CPUs, "
              f"load average {context['machine']['load_average']}", flush=True)
        app = make_app(url, redis_url)
        small = large = None
        if set(sections) - {"g", "h", "i", "j"}:  # g to j build data of their own
            with app.app_context():
                generated = time.monotonic()
                small, large = generate(SMALL), generate(LARGE)
                context["data_seconds"] = round(time.monotonic() - generated, 1)
                db.session.remove()
            print(f"Data generated in {context['data_seconds']} s; measuring {', '.join(sections)}", flush=True)
        if set(sections) & set("abcd"):
            figures += _in_process(app, small, large, sections)
        if "g" in sections:
            figures += search.measure_search(app, options.search_comments)
        if "h" in sections:
            figures += revision.measure_revision(app)
        if "i" in sections:
            figures += resolution.measure_resolution(app)
        if "j" in sections:
            figures += reviews.measure_reviews(app)
        with app.app_context():
            db.engine.dispose()  # the server processes below open their own connections
        if "e" in sections:
            found, notes = _fanout(url, redis_url, large, options)
            figures += found
        if "f" in sections:
            figures += _throughput(url, large, options)
        context["calibration_after"] = calibration()
    context["seconds"] = round(time.monotonic() - started, 1)
    context["notes"] = notes
    print()
    print(table(figures))
    for note in notes:
        print(f"Note: {note}")
    write_results(options.output, figures, context)
    print(f"\n{len(figures)} figures in {context['seconds']} s; written to {options.output}")
    return 0
