"""Headless Chromium driven over the DevTools protocol on a pipe, with no Python dependency.

Chromium started with ``--remote-debugging-pipe`` reads protocol commands from fd 3 and writes
replies and events to fd 4, each message JSON ended by a NUL byte. That is enough to load a page,
collect every console message and uncaught exception, read the rendered text and take screenshots.
Also a tiny PNG decoder, to tell a screenshot with content from a blank one.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

# The flags that work on these machines: no sandbox as root, no GPU, and no background traffic
# (the network is closed; Chromium's own connections would only log errors).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class ProtocolError(RuntimeError):
    pass


@dataclass
class PageLog:
    """What a page said while it loaded and ran: console messages, exceptions, log entries."""

    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    exceptions: list[str] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)  # (level, text)

    def errors(self) -> list[str]:
        out = [f"uncaught: {e}" for e in self.exceptions]
        out += [f"console.{t}: {text}" for t, text in self.console if t in ("error", "assert")]
        out += [f"log {level}: {text}" for level, text in self.log if level == "error"]
        return out


class Chromium:
    """One headless browser with one page. Use as a context manager.

    ``timeout`` is how long to wait for any one message from the browser before giving up.
    """

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900, timeout: float = 60) -> None:
        self.width, self.height, self.timeout = width, height, timeout
        self._profile = tempfile.TemporaryDirectory(prefix="corpus-chromium-")
        # A file, not a pipe: nobody reads Chromium's stderr while it runs, and a full pipe would stall it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # runs in the child, before exec
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self._proc = subprocess.Popen(
            [
                executable,
                *FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            pass_fds=(3, 4),
            preexec_fn=wire_pipes,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None
        self.page_log = PageLog()
        self.events: list[dict[str, Any]] = []
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.send(f"{domain}.enable")
            self.send(
                "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
            )
        except BaseException:
            self.close()
            raise

    # -- protocol --------------------------------------------------------------------
    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self._session is not None and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._event(reply)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if not select.select([self._from_browser], [], [], self.timeout)[0]:
                raise ProtocolError(f"no message from chromium in {self.timeout:g} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                self._stderr.seek(0)
                stderr = self._stderr.read().decode(errors="replace")
                raise ProtocolError(f"chromium closed the pipe; its stderr:\n{stderr[-3000:]}")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method is None:
            return
        self.events.append(message)
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.page_log.console.append((params.get("type", ""), text))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text", "")
            self.page_log.exceptions.append(str(description))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.page_log.log.append((entry.get("level", ""), f"{entry.get('source')}: {entry.get('text')}"))

    def wait_for(self, method: str) -> dict[str, Any]:
        for seen in self.events:
            if seen.get("method") == method:
                self.events.remove(seen)
                return seen
        while True:
            message = self._read()
            self._event(message)
            if message.get("method") == method:
                self.events.remove(message)
                return message

    # -- what a test needs ---------------------------------------------------------
    def open(self, url: str) -> None:
        """Load ``url`` and wait for its load event, then let pending script run."""
        self.events.clear()
        self.page_log = PageLog()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))", await_promise=True)

    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in reply:
            raise ProtocolError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply.get("result", {}).get("value")

    def screenshot(self, *, height: int | None = None, scale: float = 1.0) -> bytes:
        """A PNG of the page from its top, ``height`` CSS pixels tall (default: the viewport)."""
        clip = {"x": 0, "y": 0, "width": self.width, "height": height or self.height, "scale": scale}
        reply = self.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        return base64.b64decode(reply["data"])

    def close(self) -> None:
        try:
            if self._proc.poll() is None:
                self.send("Browser.close")
        except (ProtocolError, OSError):
            pass
        finally:
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            os.close(self._to_browser)
            os.close(self._from_browser)
            self._stderr.close()
            self._profile.cleanup()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# -- PNG -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    pixels: bytes  # rows of width * channels bytes, unfiltered

    def colors(self) -> Counter[bytes]:
        c, px = self.channels, self.pixels
        return Counter(px[i : i + c] for i in range(0, len(px), c))


def decode_png(data: bytes) -> Image:
    """Decode an 8-bit, non-interlaced greyscale/RGB/RGBA PNG (what Chromium writes)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace:
                raise ValueError(f"unsupported PNG: depth {depth}, interlace {interlace}")
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], row, prev, channels)
        rows.append(row)
        prev = row
    return Image(width, height, channels, b"".join(rows))


def _unfilter(kind: int, row: bytearray, prev: bytearray, bpp: int) -> None:
    n = len(row)
    if kind == 0:
        return
    if kind == 2:
        row[:] = bytes((a + b) & 0xFF for a, b in zip(row, prev, strict=True))
        return
    for i in range(n):
        left = row[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + ((left + up) >> 1)) & 0xFF
        elif kind == 4:
            up_left = prev[i - bpp] if i >= bpp else 0
            p = left + up - up_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
            row[i] = (row[i] + pred) & 0xFF
        else:
            raise ValueError(f"bad PNG filter type {kind}")
