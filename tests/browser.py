"""A small headless-Chromium driver over the DevTools protocol (no Selenium, no Playwright).

`open_browser()` starts Debian's `chromium` with `--remote-debugging-port=0`, reads the
`DevTools listening on ws://...` line from its stderr, finds the page target and talks JSON-RPC
to it over a `websockets` sync connection (never through a proxy). Network is cut off inside the
browser (every host name resolves to nothing), so a page that tries to load anything from
outside gets a console error. The browser and its process group are always killed on exit.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

START_TIMEOUT = 30.0
CALL_TIMEOUT = 30.0
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
DEBIAN_BINARY = "/usr/lib/chromium/chromium"


def find_chromium() -> str | None:
    """Path of an installed Chromium (or Chrome), or None; $CHROMIUM wins.

    Debian's /usr/bin/chromium is a shell script that runs the browser as its child; the binary
    behind it is preferred, so the process started is the browser itself and stops cleanly.
    """
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    if os.access(DEBIAN_BINARY, os.X_OK):
        return DEBIAN_BINARY
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    """Chromium did not start, or a DevTools call failed or timed out."""


@dataclass
class Page:
    """One browser tab: send DevTools commands, collect the errors the page reports."""

    ws: ClientConnection
    errors: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def call(self, method: str, timeout: float = CALL_TIMEOUT, **params: Any) -> dict[str, Any]:
        """Send a command and return its result, recording the events that arrive meanwhile."""
        call_id = next(self._ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline, method)
            if message.get("id") == call_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._record(message)

    def wait_for(self, event: str, timeout: float = CALL_TIMEOUT) -> dict[str, Any]:
        """Wait for an event (returning one already received since the last call, if any)."""
        for index, seen in enumerate(self.events):
            if seen.get("method") == event:
                return self.events.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline, event)
            self._record(message)
            if message.get("method") == event:
                self.events.remove(message)
                return message

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its (JSON) value; a thrown error raises."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def navigate(self, url: str, timeout: float = CALL_TIMEOUT) -> None:
        """Open a URL and wait until its load event fired."""
        self.events.clear()
        result = self.call("Page.navigate", url=url)
        if result.get("errorText"):
            raise BrowserError(f"{url}: {result['errorText']}")
        self.wait_for("Page.loadEventFired", timeout)

    def settle(self, seconds: float = 0.3) -> None:
        """Collect the events (console errors...) that arrive within `seconds`."""
        try:
            while True:
                self._record(self._receive(time.monotonic() + seconds, "settle"))
        except TimeoutError:
            pass

    def screenshot(
        self, path: Path, *, clip: dict[str, float] | None = None, full_page: bool = False
    ) -> Path:
        """Save a PNG of the viewport, of `clip` ({x, y, width, height, scale}) or of the whole page."""
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            params["clip"] = clip
            params["captureBeyondViewport"] = True
        elif full_page:
            root = "document.documentElement"
            size = self.evaluate(f"({{width: {root}.scrollWidth, height: {root}.scrollHeight}})")
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def _receive(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no answer from Chromium for {waiting_for}")
        try:
            raw = self.ws.recv(timeout=remaining)
        except TimeoutError:
            raise TimeoutError(f"no answer from Chromium for {waiting_for}") from None
        message: dict[str, Any] = json.loads(raw)
        return message

    def _record(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
            texts = [str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])]
            self.errors.append("console: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(
                "exception: " + str(details.get("exception", {}).get("description") or details)
            )
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(
                f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip()
            )
        elif method == "Page.javascriptDialogOpening":
            self.errors.append(f"dialog ({params.get('type')}): {params.get('message')}")
            self.ws.send(
                json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": True}})
            )
        if method:
            self.events.append(message)


def _read_endpoint(process: subprocess.Popen[str], found: list[str], lines: list[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        lines.append(line)
        if not found and "DevTools listening on " in line:
            found.append(line.split("DevTools listening on ", 1)[1].strip())
    # keep reading until EOF so Chromium never blocks on a full pipe


@contextmanager
def open_browser(
    width: int = 1280, height: int = 900, scale: float = 1.0, chromium: str | None = None
) -> Iterator[Page]:
    """A headless Chromium with one blank page, its network cut off; killed on exit.

    Runtime, Log and Page events are enabled, so console errors, uncaught exceptions, failed loads
    and dialogs end up in `Page.errors`.
    """
    executable = chromium or find_chromium()
    if executable is None:
        raise BrowserError("no Chromium found (apt-get install chromium, or set $CHROMIUM)")
    profile = tempfile.mkdtemp(prefix="communiques-chromium-")
    command = [
        executable,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-crash-reporter",
        "--disable-breakpad",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "about:blank",
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the renderer and GPU helpers die with it
    )
    try:
        found: list[str] = []
        lines: list[str] = []
        reader = threading.Thread(target=_read_endpoint, args=(process, found, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not found:
            if process.poll() is not None or time.monotonic() > deadline:
                raise BrowserError("Chromium did not start:\n" + "".join(lines[-20:]))
            time.sleep(0.05)
        page_ws = _page_target(found[0])
        with connect(page_ws, proxy=None, max_size=64 * 1024 * 1024, open_timeout=START_TIMEOUT) as ws:
            page = Page(ws)
            for domain in ("Runtime", "Log", "Page"):
                page.call(f"{domain}.enable")
            page.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=scale,
                mobile=False,
            )
            yield page
    finally:
        _kill(process)
        shutil.rmtree(profile, ignore_errors=True)


def _page_target(browser_ws: str) -> str:
    """The WebSocket URL of the first page target (the about:blank tab Chromium opened)."""
    host = browser_ws.split("://", 1)[1].split("/", 1)[0]
    deadline = time.monotonic() + START_TIMEOUT
    with connect(browser_ws, proxy=None, open_timeout=START_TIMEOUT) as ws:
        while time.monotonic() < deadline:
            ws.send(json.dumps({"id": 1, "method": "Target.getTargets"}))
            while True:
                message = json.loads(ws.recv(timeout=CALL_TIMEOUT))
                if message.get("id") == 1:
                    break
            pages = [t for t in message["result"]["targetInfos"] if t.get("type") == "page"]
            if pages:
                return f"ws://{host}/devtools/page/{pages[0]['targetId']}"
            time.sleep(0.05)
    raise BrowserError("Chromium opened no page")


def _kill(process: subprocess.Popen[str]) -> None:
    """Stop Chromium and every helper process it started (its process group)."""
    if process.poll() is None:
        process.terminate()  # the browser first, so it shuts its helpers down and reaps them
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # helpers that outlived the main process
    if process.poll() is None:
        process.wait(timeout=5)
