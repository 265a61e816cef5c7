"""Browser tests: Playwright driving Debian's Chromium against the app served in a thread.

They run when /usr/bin/chromium exists and say plainly when they are skipped; with
KRS_REQUIRE_BROWSER=1 (CI) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support import ARTIFACTS

CHROMIUM = os.environ.get("KRS_CHROMIUM", "/usr/bin/chromium")


def _browser_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


@pytest.fixture(autouse=True)
def _require_browser():
    if not _browser_available():
        if os.environ.get("KRS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)")
        pytest.skip(f"browser tests skipped: Chromium not found at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, in a thread, on the test database: one per session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(autouse=True)
def _csrf_on_for_the_browser(app):
    """The browser goes through CSRF like a real user; the view tests (same app) post without it."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _csrf_only_for_the_browser(app):
    """CSRF is on while a browser test runs and off again after it, so the view tests that run
    later in the same session (they post without tokens) are not answered 400 by the CSRF check."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def shot(page, request):
    """shot("name") saves a full-page screenshot under test-artifacts/<test>/."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def _shot(name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
