"""The real stack around a test's database, and a real browser in front of it.

``stack``: the demo catalogue and a first static homepage in the test's own MariaDB database
and Redis prefix ("services" backend), then a Celery worker on the real broker (a queue of the
test's own), gunicorn (deploy/gunicorn.conf.py) and nginx (deploy/nginx.conf), all on free
ports of 127.0.0.1 and all stopped by the fixture.

``browse(...)``: a new browser context on nginx, 1280 wide, with a deadline on every wait.
The browser is Debian's chromium (``TEST_CHROMIUM``, default /usr/bin/chromium), launched by
pytest-playwright with the options below; ``playwright install`` is never needed.
``shot(page, step)``: a full-page screenshot into test-artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from storefront import demo
from storefront.services.pages.render import HOME, publish
from tests import servers
from tests.conftest import require_service

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


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Tasks go through the real broker to the stack's worker, in a queue of this test's own."""
    return {**app_config, "CELERY_TASK_ALWAYS_EAGER": False,
            "CELERY_QUEUE": app_config.get("REDIS_KEY_PREFIX", "") + "celery"}


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


@pytest.fixture
def stack(app: Flask, app_config: dict, tmp_path: Path) -> Iterator[Stack]:
    if servers.nginx_binary() is None:
        require_service("nginx", FileNotFoundError("no nginx binary; apt-get install -y nginx"))
    pages, media = Path(app_config["STATIC_PAGES_DIR"]), Path(app_config["MEDIA_ROOT"])
    demo.seed(None, None)  # what `flask seed-demo` does: the catalogue with its pictures
    publish(HOME)  # what `flask render-index` does: the first static homepage
    workdir = tmp_path / "servers"
    queue = app_config["CELERY_QUEUE"]
    env = servers.app_environment(app_config, FLASK_CELERY_TASK_ALWAYS_EAGER="false",
                                  FLASK_CELERY_QUEUE=queue, FLASK_TRUSTED_PROXIES="127.0.0.1")
    with contextlib.ExitStack() as running:
        worker = servers.start_worker(env, workdir, queue=queue)
        running.callback(worker.stop)
        gunicorn, app_port = servers.start_gunicorn(env, workdir)
        running.callback(gunicorn.stop)
        nginx, port = servers.start_nginx(workdir, {
            "UPSTREAM": f"{servers.HOST}:{app_port}",
            "STATIC_PAGES_DIR": str(pages),
            "STATIC_DIR": app.static_folder,
            "MEDIA_ROOT": str(media),
        })
        running.callback(nginx.stop)
        yield Stack(f"http://{servers.HOST}:{port}", pages, media, gunicorn, worker, nginx)


@pytest.fixture
def browse(new_context: Callable[..., BrowserContext], stack: Stack
           ) -> Iterator[Callable[[], BrowserContext]]:
    """A fresh browser context (its own cookies: a separate visitor) on the stack's nginx.
    Closed before the stack stops, so no browser connection outlives the servers."""
    opened: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        context = new_context(base_url=stack.url)
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
