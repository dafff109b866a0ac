"""Server processes for sections e and f, started exactly as production starts them: gunicorn with
deploy/gunicorn.conf.py (one gevent worker per process, its own port), logs to bench/results/."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "bench" / "results" / "logs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, target: str, env: dict):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = LOGS / f"{name}.log"
        with open(self.log, "w") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", target],
                cwd=ROOT, env={**os.environ, **env, "PORT": str(self.port)}, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str = "/", seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + path, timeout=5).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {seconds} s: {self.log.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and its worker (from /proc)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running(*specs: tuple[str, str, dict], ready_path: str = "/"):
    """Start servers given as (name, wsgi target, extra environment); stop them all on the way out."""
    with ExitStack() as stack:
        servers = []
        for name, target, env in specs:
            server = Server(name, target, env)
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_ready(ready_path)
        yield servers
