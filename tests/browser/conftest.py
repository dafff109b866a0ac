"""Browser tests: a live server in a subprocess and Playwright driving Debian's Chromium.

Never downloads a browser: Chromium comes from the packages `chromium` and `chromium-driver`
(`make test` installs them as root). Without it these tests are skipped with a message, except with
REQUIRE_BROWSERS=1 (set by .ci/run): there a missing browser or axe-core fails them.
Screenshots go to tests/artifacts/screenshots/.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from deliberation import create_app
from deliberation.extensions import db

from ..conftest import PASSWORD, _create_schema, _database_url, _drop_schema
from ..factories import Factory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def skip_or_fail(reason: str) -> None:
    """Skip a test whose browser tooling is missing; fail it under REQUIRE_BROWSERS=1, so that in CI a
    broken install cannot pass as a row of skipped tests."""
    if os.environ.get("REQUIRE_BROWSERS") == "1":
        pytest.fail(f"{reason}; REQUIRE_BROWSERS=1 makes the browser tests mandatory", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, url: str, app, process):
        self.url, self.app, self.process = url, app, process

    def build(self, fn):
        """Run fn(Factory()) against the server's database and return what it returns (detached)."""
        with self.app.app_context():
            result = fn(Factory())
            db.session.commit()
            return result


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    url, schema = _database_url(tmp)
    if schema:
        _create_schema(url, schema)
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "browser-tests",
           "LOAD_DEMO": "0"}
    # The test process shares the database with the server to build data.
    previous = {k: os.environ.get(k) for k in ("INSTANCE_PATH",)}
    os.environ["INSTANCE_PATH"] = str(tmp / "instance-tests")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser-tests", "LOAD_DEMO": False})
    with app.app_context():
        db.create_all()
    port = _free_port()
    log = open(tmp / "server.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "tests.browser.serve", str(port)], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((tmp / "server.log").read_text())
            time.sleep(0.1)
    yield LiveServer(base, app, process)
    process.terminate()
    process.wait(timeout=10)
    log.close()
    with app.app_context():
        db.engine.dispose()
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if schema:
        _drop_schema(url, schema)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(user=None, width=1280, height=900) -> a Page, signed in through the form when a user is given."""
    contexts = []

    def make(user=None, width=1280, height=900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        if user is not None:
            page.goto("/sign-in")
            page.fill("input[name=email]", user.email)
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit]:has-text('Sign in')")
            page.wait_for_load_state()
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
