"""Section e: Socket.IO fan-out. Many readers connected to one version's room (WebSocket transport); a
member posts a comment through the API; the figure is the time from sending the POST to the moment the
LAST reader has received `comment_created`.

Run with one gunicorn+gevent process (no message queue), and with two processes sharing Redis: the
readers are split between them and the POST goes to the first, so half the readers hear of it only
through Redis.

The readers live in a few client processes (asyncio, python-socketio), as real readers live on other
machines: one Python process for all of them would, on a small busy machine, fall behind and measure
itself. Receipt times come from the monotonic clock, which all processes share. Readers join in
batches with a pause between them: every join makes the server broadcast the room's new presence count
to everyone already in it (deliberation/realtime.py), so 500 joins at once cost 125,000 messages. The
figures report readers that disconnected and receipts that never came.
"""
import asyncio
import json
import logging
import multiprocessing
import time
import urllib.request
import uuid
from collections import Counter

import socketio

from .stats import Figure, percentile

TARGET_P99_MS = 1000
CLIENT_PROCESSES = 4
JOIN_BATCH, JOIN_PAUSE = 25, 0.5
POST_INTERVAL = 1.0  # seconds between posts; receipts after it still count


async def _readers(urls: list[str], version_id: int, count: int, ready, stop, results) -> None:
    times: dict[str, list[float]] = {}
    reasons: Counter = Counter()
    dropped_at: list[float] = []

    def make_client():
        client = socketio.AsyncClient(reconnection=False)
        client.on("comment_created", lambda data: times.setdefault(data.get("body", ""), []).append(time.perf_counter()))

        def dropped(*reason):
            reasons[str(reason[0]) if reason else "unknown"] += 1
            dropped_at.append(time.perf_counter())
        client.on("disconnect", dropped)
        return client

    async def join(client, url):
        try:
            await client.connect(url, transports=["websocket"], wait_timeout=30)
            answer = await client.call("join", {"version_id": version_id}, timeout=60)
            if not (answer or {}).get("ok"):
                reasons[f"join refused: {answer}"] += 1
        except (socketio.exceptions.SocketIOError, asyncio.TimeoutError) as exc:
            reasons[f"connect failed: {type(exc).__name__}"] += 1

    clients = [make_client() for _ in range(count)]
    for start in range(0, count, JOIN_BATCH):
        await asyncio.gather(*(join(client, urls[(start + n) % len(urls)])
                               for n, client in enumerate(clients[start:start + JOIN_BATCH])))
        await asyncio.sleep(JOIN_PAUSE)
    ready.put(sum(client.connected for client in clients))
    while not stop.is_set():
        await asyncio.sleep(0.2)
    results.put({"times": times, "dropped_at": dropped_at, "reasons": dict(reasons)})
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # "packet queue is empty" on each close
    await asyncio.gather(*(client.disconnect() for client in clients if client.connected), return_exceptions=True)


def _reader_process(urls, version_id, count, ready, stop, results) -> None:
    asyncio.run(_readers(urls, version_id, count, ready, stop, results))


def _post(url: str, token: str, body: str) -> None:
    request = urllib.request.Request(url, data=json.dumps({"body": body}).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        if answer.status != 201:
            raise RuntimeError(f"posting failed: {answer.status}")


def _run(urls: list[str], version_id: int, clause_id: int, token: str, clients: int, posts: int):
    context = multiprocessing.get_context("spawn")
    ready, results, stop = context.Queue(), context.Queue(), context.Event()
    shares = [clients // CLIENT_PROCESSES + (n < clients % CLIENT_PROCESSES) for n in range(CLIENT_PROCESSES)]
    workers, offset = [], 0
    for share in shares:
        rotated = urls[offset % len(urls):] + urls[:offset % len(urls)]  # readers split evenly over servers
        workers.append(context.Process(target=_reader_process, args=(rotated, version_id, share, ready, stop, results)))
        offset += share
    for worker in workers:
        worker.start()
    try:
        connected = sum(ready.get(timeout=900) for _ in workers)
        time.sleep(2)  # let the presence broadcasts of the last joins drain
        sent = {}
        for n in range(posts):
            body = f"Fan-out probe {n} {uuid.uuid4().hex[:8]}"
            sent[body] = time.perf_counter()
            _post(f"{urls[0]}/api/v1/clauses/{clause_id}/comments", token, body)
            time.sleep(POST_INTERVAL)
        time.sleep(5)
        stop.set()
        reports = [results.get(timeout=120) for _ in workers]
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.terminate()
    return connected, sent, reports


def _merge(connected: int, sent: dict, reports: list[dict]):
    times: dict[str, list[float]] = {}
    dropped_at, reasons = [], Counter()
    for report in reports:
        for body, stamps in report["times"].items():
            times.setdefault(body, []).extend(stamps)
        dropped_at += report["dropped_at"]
        reasons.update(report["reasons"])
    first, end = min(sent.values()), max(sent.values()) + POST_INTERVAL
    last, every, missed = [], [], 0
    for body, started in sent.items():
        stamps = times.get(body, [])
        missed += max(0, connected - sum(t < started for t in dropped_at if t >= first) - len(stamps))
        if stamps:
            last.append((max(stamps) - started) * 1000)
            every += [(stamp - started) * 1000 for stamp in stamps]
    losses = {"connected": connected, "disconnected_while_joining": sum(t < first for t in dropped_at),
              "disconnected_while_posting": sum(first <= t <= end for t in dropped_at), "missed_receipts": missed,
              "disconnect_reasons": dict(reasons)}
    return last, every, losses


def measure_fanout(label: str, urls: list[str], version_id: int, clause_id: int, token: str, *,
                   clients: int, posts: int) -> list[Figure]:
    last, every, losses = _merge(*_run(urls, version_id, clause_id, token, clients, posts))
    details = {"clients": clients, "processes": len(urls), "posts": posts, "client_processes": CLIENT_PROCESSES,
               **losses}
    figure = Figure("e", f"fan-out to the last of {clients} readers, {label}", "ms", last or [float("nan")],
                    f"p99 <= {TARGET_P99_MS} ms", details=details)
    complete = losses["connected"] == clients and not (losses["disconnected_while_posting"] or losses["missed_receipts"])
    figure.met = bool(last) and complete and percentile(last, 99) <= TARGET_P99_MS
    return [figure, Figure("e", f"  every reader's receipt, {label}", "ms", every or [float("nan")], details=details)]
