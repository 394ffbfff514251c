"""Browser journeys on a live server: Debian's Chromium driven by Playwright (no browser is
downloaded), one browser for the session. A failed test leaves phone and desktop screenshots of
the page it failed on in test-artifacts/browser/."""

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

import pytest
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
# The machine's network is closed: without these Chromium stalls calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI installs it, so there the journeys must run
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which Django takes for async
    # code and so refuses database access; the tests' own code is synchronous all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Starting it also leaves this thread in a new context, where Django's per-context database
    # connections would be new, unconfigured ones: the tests keep their own.
    own = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for alias, connection in own.items():
                connections[alias] = connection
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _serialised(handler_class):
    lock = threading.Lock()

    class Serialised(handler_class):
        def __call__(self, environ, start_response):
            with lock:
                return super().__call__(environ, start_response)

    return Serialised


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time. On SQLite the test
    database lives in memory and every server thread shares its one connection; the admin's
    requests in the background (autosave, editing-session pings) would otherwise interleave
    their transactions on it."""
    addr = request.config.getvalue("liveserver") or "localhost"
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _serialised(server.thread.static_handler)
    server.start()
    yield server
    server.stop()


class Journey:
    """A browser context for one test, with its steps named so that a failure says where."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(
            viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
        )
        self.context.set_default_timeout(15_000)
        # Wagtail's editor notes the form as it stands a moment after the page loads and saves
        # (autosave) only what differs from that. A person is not typing yet by then; a test
        # that is must wait for it, or its first answers become the baseline and, on an idle
        # machine, the new page was never autosaved (tests/browser/test_journeys.py).
        self.context.add_init_script(
            "document.addEventListener('w-unsaved:watch-edits',"
            " () => { document.documentElement.dataset.portalWatchingEdits = 'yes'; });"
        )
        self.base_url = base_url
        self.console_errors = []
        self.autosave_refusals = set()
        self.step_name = "start"
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._error(page, f"uncaught: {error}"))
        page.on("response", self._response)
        self.page = page
        return page

    def _response(self, response):
        # Wagtail 8 autosaves the editor's form every half second; while required fields are
        # still empty it answers 400 with a JSON error ("success": false) and the editor
        # shows that it could not save yet. Chromium logs each as a failed resource.
        request = response.request
        if (
            response.status == 400
            and request.method == "POST"
            and "/admin/pages/" in response.url
            and response.headers.get("content-type") == "application/json"
        ):
            self.autosave_refusals.add(response.url)

    def _console(self, message):
        if message.type == "error":  # CSP's "Refused to ..." reports come as errors too
            self._error(message.page, message.text, message.location.get("url"))

    def _error(self, page, text, source=None):
        self.console_errors.append(
            (f"[{self.step_name}] {page.url if page else '?'}: {text}", source, text)
        )

    def editor_ready(self):
        """Waits until the admin's editor watches the form for changes (see __init__)."""
        # A selector, not a script: the admin's CSP refuses Playwright's evaluated predicates.
        self.page.locator("html[data-portal-watching-edits]").wait_for(state="attached")

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    @contextmanager
    def step(self, name):
        self.step_name = name
        try:
            yield self.page
        except Exception as error:
            raise AssertionError(f"step {name!r} failed: {error}") from error

    def assert_no_console_errors(self):
        errors = [
            line
            for line, source, text in self.console_errors
            if not ("status of 400" in text and source in self.autosave_refusals)
        ]
        assert not errors, "the browser console reported errors:\n" + "\n".join(errors)

    def screenshots(self, test_name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "-", f"{test_name}-{self.step_name}").strip("-")
        saved = []
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            path = ARTIFACTS / f"{stem}-{label}.png"
            self.page.set_viewport_size(size)
            self.page.screenshot(path=path, full_page=True)
            saved.append(path)
        return saved

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, live_server):
    journey = Journey(browser, live_server.url)
    yield journey
    journey.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    journey = getattr(item, "funcargs", {}).get("journey")
    if report.when == "call" and report.failed and journey is not None:
        try:
            saved = journey.screenshots(item.name)
            report.sections.append(("screenshots", "\n".join(str(p) for p in saved)))
        except Exception as error:  # a closed page must not hide the test's own failure
            report.sections.append(("screenshots", f"none saved: {error}"))
    return report
