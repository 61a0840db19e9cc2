"""The real stack around the demo, and a real browser in front of it.

``stack``: the demo catalogue with a first static homepage, seeded once per process into its
services space (tests/databases.py) and put back before each test (rows, page files, search
index, Redis keys: a test's edits, carts and accounts are gone), then a Celery worker on the
real broker (a queue of the process's own), gunicorn (deploy/gunicorn.conf.py) and nginx
(deploy/nginx.conf), all on free ports of 127.0.0.1, started once per process. After each
test the worker has finished what the test queued. The demo's pictures are read-only: a
test's uploads stay beside them under names of their own.

``browse(...)``: a new browser context on nginx, 1280 wide, with a deadline on every wait.
The browser is Debian's chromium (``TEST_CHROMIUM``, default /usr/bin/chromium), launched by
pytest-playwright with the options below; ``playwright install`` is never needed.
``shot(page, step)``: a full-page screenshot into test-artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy import create_engine, select

from storefront import create_app, demo
from storefront.extensions import db
from storefront.services.pages import renders
from storefront.services.pages.render import HOME, publish
from tests import servers
from tests.conftest import base_config, require_service
from tests.databases import ServicesSpace
from tests.mail_support import Controller, smtp_server
from tests.sites import STATIC_DIR

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
except ImportError as exc:  # requirements-dev.txt installs it; say so loudly when it is not
    PLAYWRIGHT_MISSING: ImportError | None = exc
    expect = PlaywrightTimeout = None
else:
    PLAYWRIGHT_MISSING = None

CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
WAIT_MS = 10_000  # the longest any single browser action or navigation may take
SCREENSHOTS = servers.ROOT / "test-artifacts" / "screenshots"

if PLAYWRIGHT_MISSING is not None:
    # Without the plugin nobody defines these: every browser test skips (fails in CI) here.
    @pytest.fixture
    def new_context():
        require_service("playwright", PLAYWRIGHT_MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options (--headed, --slowmo...) on Debian's chromium."""
    if not os.access(CHROMIUM, os.X_OK):
        require_service("chromium", FileNotFoundError(
            f"no browser at {CHROMIUM}; apt-get install -y chromium"))
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]}


@pytest.fixture(scope="session")
def base_url() -> None:
    """None: every test has its own stack, whose nginx ``browse`` gives each context (this
    also replaces the plugin's own base_url fixture, which pytest 9 warns about)."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Every context is 1280 wide."""
    return {**browser_context_args, "viewport": VIEWPORT}


class Demo:
    """The demo as seeded once, to put back before each test: every table's rows, the page
    files and search index, and the Redis keys of the space's prefix."""

    FOLDERS = ("STATIC_PAGES_DIR", "SEARCH_INDEX_DIR")

    def __init__(self, space: ServicesSpace, workdir: Path) -> None:
        self.space, self.copies = space, workdir / "copies"
        self.media = workdir / "media"
        # tasks go through the real broker to the stack's worker, in a queue of its own (not
        # the one test_worker's workers consume on the same space)
        # and the demo's delayed offer starts tomorrow, not during the session: a price
        # boundary would take page files away under the tests that compare them
        self.overrides = {"CELERY_TASK_ALWAYS_EAGER": False,
                          "CELERY_QUEUE": space.prefix + "browser-celery",
                          "MEDIA_ROOT": str(self.media),
                          "DEMO_OFFER_STARTS_AFTER_SECONDS": 86400}
        self.config = {**base_config(), **space.config(), **self.overrides}
        space.empty()
        # seeded with tasks inline: the snapshot is the settled demo, every page it made
        # stale written again
        app = create_app({**self.config, "CELERY_TASK_ALWAYS_EAGER": True})
        with app.app_context():
            demo.seed(None, None)  # what `flask seed-demo` does: the catalogue with its pictures
            publish(HOME)  # what `flask render-index` does: the first static homepage
            db.session.remove()
            db.engine.dispose()
        self.engine = create_engine(space.schema.url)
        with self.engine.connect() as conn:
            self.rows = [(table, [dict(row._mapping) for row in conn.execute(select(table))])
                         for table in db.metadata.sorted_tables]
        for key in self.FOLDERS:
            shutil.copytree(self.config[key], self.copies / key)
        client = space.redis
        dumps = [(key, client.dump(key), client.pttl(key))
                 for key in client.scan_iter(match=space.prefix + "*", count=500)]
        self.keys = [(key, dumped, ttl) for key, dumped, ttl in dumps if dumped is not None]

    def restore(self) -> None:
        """After the space was emptied (conftest): the demo as seeded."""
        with self.engine.begin() as conn:
            # every table, link tables included (the space empties only what it saw written)
            for table, _rows in reversed(self.rows):
                conn.execute(table.delete())
            for table, rows in self.rows:
                if rows:
                    conn.execute(table.insert(), rows)
        for key in self.FOLDERS:
            shutil.copytree(self.copies / key, self.config[key], dirs_exist_ok=True)
        with self.space.redis.pipeline(transaction=False) as pipe:
            for key, dumped, ttl in self.keys:
                pipe.restore(key, max(ttl, 0), dumped, replace=True)
            pipe.execute()

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture(scope="session")
def browser_demo(services_space: ServicesSpace, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Demo]:
    seeded = Demo(services_space, tmp_path_factory.mktemp("demo"))
    yield seeded
    seeded.close()


@pytest.fixture
def app_config(app_config: dict, request: pytest.FixtureRequest) -> dict:
    """The space, emptied by conftest, with the demo put back (before the test's own
    fixtures, ``user`` or ``staff``, add their rows)."""
    if "stack" not in request.fixturenames:
        return app_config
    seeded: Demo = request.getfixturevalue("browser_demo")
    seeded.restore()
    return {**app_config, **seeded.overrides}


@dataclass
class Stack:
    url: str  # nginx: what a shopper's browser talks to
    pages: Path  # STATIC_PAGES_DIR: index.html is what nginx serves anonymous visitors
    media: Path
    gunicorn: servers.Process
    worker: servers.Process
    nginx: servers.Process

    def static_index(self) -> bytes:
        """The static homepage on disk; b"" while it has none (an edit removed it, and the
        worker has not written it again yet)."""
        try:
            return (self.pages / "index.html").read_bytes()
        except FileNotFoundError:
            return b""


@pytest.fixture(scope="session")
def stack_smtp() -> Iterator[Controller]:
    """The local SMTP server the stack's worker sends every mail to (aiosmtpd); a test that
    reads mails takes ``smtp`` (its inbox emptied first)."""
    with smtp_server() as controller:
        yield controller


@pytest.fixture
def smtp(stack_smtp: Controller) -> Controller:
    stack_smtp.handler.clear()
    return stack_smtp


@pytest.fixture(scope="session")
def stack_servers(browser_demo: Demo, stack_smtp: Controller,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if servers.nginx_binary() is None:
        require_service("nginx", FileNotFoundError("no nginx binary; apt-get install -y nginx"))
    config = browser_demo.config
    pages, media = Path(config["STATIC_PAGES_DIR"]), Path(config["MEDIA_ROOT"])
    workdir = tmp_path_factory.mktemp("stack")
    queue = config["CELERY_QUEUE"]
    env = servers.app_environment(config, FLASK_CELERY_TASK_ALWAYS_EAGER="false",
                                  FLASK_CELERY_QUEUE=queue, FLASK_TRUSTED_PROXIES="127.0.0.1",
                                  MAIL_SERVER=stack_smtp.hostname,
                                  MAIL_PORT=str(stack_smtp.port),
                                  # nginx's log of product views (its prefix is workdir/nginx)
                                  FLASK_VIEWS_LOG=str(workdir / "nginx" / "logs" / "views.log"))
    with contextlib.ExitStack() as running:
        worker = servers.start_worker(env, workdir, queue=queue)
        running.callback(worker.stop)
        gunicorn, app_port = servers.start_gunicorn(env, workdir)
        running.callback(gunicorn.stop)
        nginx, port = servers.start_nginx(workdir, {
            "UPSTREAM": f"{servers.HOST}:{app_port}",
            "STATIC_PAGES_DIR": str(pages),
            "STATIC_DIR": STATIC_DIR,
            "MEDIA_ROOT": str(media),
        })
        running.callback(nginx.stop)
        yield Stack(f"http://{servers.HOST}:{port}", pages, media, gunicorn, worker, nginx)


class LogFromNow(servers.Process):
    """A server started before this test, whose ``log()`` shows only this test's lines."""

    def __init__(self, proc: servers.Process) -> None:
        super().__init__(proc.name, proc.popen, proc.log_path, proc.stop_signal)
        self.start = proc.log_path.stat().st_size if proc.log_path.exists() else 0

    def log(self, tail: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self.start)
                return log.read().decode(errors="replace")[-tail:]
        except OSError:
            return ""


@pytest.fixture
def stack(app: Flask, stack_servers: Stack) -> Iterator[Stack]:
    for proc in (stack_servers.worker, stack_servers.gunicorn, stack_servers.nginx):
        if not proc.running:
            raise servers.ServerError(f"{proc.name} of the stack died:\n{proc.log()}")
    yield Stack(stack_servers.url, stack_servers.pages, stack_servers.media,
                LogFromNow(stack_servers.gunicorn), LogFromNow(stack_servers.worker),
                LogFromNow(stack_servers.nginx))
    worker_caught_up(app, stack_servers.worker)


def worker_caught_up(app: Flask, worker: servers.Process, timeout: float = 30) -> None:
    """Wait until the worker has run a no-op task due as late as any render this test queued
    (one process, one queue): nothing of this test is left to run in the next one."""
    probe = app.extensions["celery"].tasks["celery.accumulate"].apply_async(
        args=("probe",), countdown=renders.COALESCE_SECONDS)
    deadline = time.monotonic() + timeout
    while f"[{probe.id}] succeeded" not in worker.log(1_000_000):
        if time.monotonic() > deadline:
            raise servers.ServerError(f"the stack's worker did not catch up:\n{worker.log()}")
        time.sleep(0.05)


@pytest.fixture
def browse(new_context: Callable[..., BrowserContext], stack: Stack
           ) -> Iterator[Callable[..., BrowserContext]]:
    """A fresh browser context (its own cookies: a separate visitor) on the stack's nginx,
    with Playwright's context options (``java_script_enabled=False``: a browser without
    script). Closed before the stack stops, so no browser connection outlives the servers."""
    opened: list[BrowserContext] = []

    def open_context(**options: object) -> BrowserContext:
        context = new_context(base_url=stack.url, **options)
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, "cart")`` saves test-artifacts/screenshots/<test>-<nn>-cart.png, full page."""
    test = request.node.originalname
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{test}-*.png"):
        old.unlink()
    taken: list[Path] = []

    def take(page: Page, step: str) -> Path:
        path = SCREENSHOTS / f"{test}-{len(taken) + 1:02}-{step}.png"
        show_lazy_images(page)
        settle(page)
        page.screenshot(path=str(path), full_page=True, timeout=WAIT_MS)
        taken.append(path)
        return path

    return take


def show_lazy_images(page: Page, timeout_ms: int = 5_000) -> None:
    """Load the pictures below the fold too, so the full-page screenshot shows them (a
    picture that never loads stays visible as broken: the screenshot is the evidence)."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]')"
                  ".forEach(img => { img.loading = 'eager'; })")
    # Predicates are functions: a bare expression would be eval()ed, which the CSP forbids.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("() => [...document.images].every(img => img.complete)",
                               timeout=timeout_ms)


def settle(page: Page, timeout_ms: int = 2_000) -> None:
    """Let CSS transitions in flight (the carousel's cross-fade) end before a screenshot."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("() => document.getAnimations()"
                               ".every(animation => animation.playState !== 'running')",
                               timeout=timeout_ms)
