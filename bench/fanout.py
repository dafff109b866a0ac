"""Section e: Socket.IO fan-out. Many readers connected to one version's room (WebSocket transport,
asyncio clients in this process); a member posts a comment through the API; the figure is the time
from sending the POST to the moment the LAST reader has received `comment_created`.

Run with one gunicorn+gevent process (no message queue), and with two processes sharing Redis: the
readers are split between them and the POST goes to the first, so half the readers hear of it only
through Redis.
"""
import asyncio
import time
import uuid

import aiohttp
import socketio

from .stats import Figure, percentile

TARGET_P99_MS = 1000


class Reader:
    """One connected reader; reports each comment body it receives to the shared tracker."""

    def __init__(self, tracker: "Tracker"):
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("comment_created", lambda data: tracker.arrived(data.get("body", "")))

    async def join(self, url: str, version_id: int) -> None:
        await self.client.connect(url, transports=["websocket"], wait_timeout=30)
        answer = await self.client.call("join", {"version_id": version_id}, timeout=60)
        if not (answer or {}).get("ok"):
            raise RuntimeError(f"could not join the version room: {answer}")


class Tracker:
    """Receipt times per comment body; wakes the poster when every reader has one."""

    def __init__(self, readers: int):
        self.readers = readers
        self.times: dict[str, list[float]] = {}
        self.done: dict[str, asyncio.Event] = {}

    def expect(self, body: str) -> asyncio.Event:
        self.times[body] = []
        self.done[body] = asyncio.Event()
        return self.done[body]

    def arrived(self, body: str) -> None:
        times = self.times.get(body)
        if times is None:
            return
        times.append(time.perf_counter())
        if len(times) == self.readers:
            self.done[body].set()


async def _connect_all(readers: list[Reader], urls: list[str], version_id: int, batch: int = 50) -> None:
    for start in range(0, len(readers), batch):
        await asyncio.gather(*(reader.join(urls[(start + n) % len(urls)], version_id)
                               for n, reader in enumerate(readers[start:start + batch])))


async def _measure(urls: list[str], version_id: int, clause_id: int, token: str, clients: int,
                   posts: int) -> tuple[list[float], list[float], int]:
    tracker = Tracker(clients)
    readers = [Reader(tracker) for _ in range(clients)]
    last, every, missing = [], [], 0
    try:
        await _connect_all(readers, urls, version_id)
        await asyncio.sleep(2)  # let the presence broadcasts of the joins drain
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            for n in range(posts):
                body = f"Fan-out probe {n} {uuid.uuid4().hex[:8]}"
                done = tracker.expect(body)
                started = time.perf_counter()
                async with http.post(f"{urls[0]}/api/v1/clauses/{clause_id}/comments", json={"body": body}) as answer:
                    if answer.status != 201:
                        raise RuntimeError(f"posting failed: {answer.status} {await answer.text()}")
                try:
                    await asyncio.wait_for(done.wait(), timeout=20)
                except asyncio.TimeoutError:
                    missing += clients - len(tracker.times[body])
                times = tracker.times[body]
                if times:
                    last.append((max(times) - started) * 1000)
                    every += [(t - started) * 1000 for t in times]
                await asyncio.sleep(0.3)
    finally:
        await asyncio.gather(*(r.client.disconnect() for r in readers if r.client.connected),
                             return_exceptions=True)
    return last, every, missing


def measure_fanout(label: str, urls: list[str], version_id: int, clause_id: int, token: str, *,
                   clients: int, posts: int) -> list[Figure]:
    last, every, missing = asyncio.run(_measure(urls, version_id, clause_id, token, clients, posts))
    details = {"clients": clients, "processes": len(urls), "posts": posts, "missed_receipts": missing}
    figure = Figure("e", f"fan-out to the last of {clients} readers, {label}", "ms", last,
                    f"p99 <= {TARGET_P99_MS} ms", details=details)
    figure.met = missing == 0 and percentile(last, 99) <= TARGET_P99_MS
    return [figure, Figure("e", f"  every reader's receipt, {label}", "ms", every, details=details)]
