"""A real crawl of a local site: Python's http.server on 127.0.0.1, wget writing the WARC.

    with serve(folder, {"/page.html": Canned(200, (("Content-Type", "text/html; charset=gbk"),), body)}) as url:
        warc = crawl(url, tmp / "crawl")            # tmp/crawl.warc.gz, a gzip member a record

``serve`` serves a folder as ``http.server`` does (its directory listings give a
crawler the links to every file) and, by path, canned responses sent exactly as
given (a charset in the header, a chunked or gzipped body, a redirect). ``crawl``
runs ``wget --recursive --warc-file``. benchmarks/warc_libraries.py measures the
WARC libraries on such crawls; tests/test_warc.py and tests/fixtures/warc/make.py
make their WARCs with them.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Canned:
    """A response the test server sends as it is: status, headers, and the body bytes as they go on the wire.

    The body is sent unchanged (already chunked or gzipped when the headers say so);
    a ``Content-Length`` is added unless the headers have a ``Transfer-Encoding``, and
    the connection is closed after it.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


def chunked(body: bytes, size: int = 1000) -> bytes:
    """``body`` in HTTP/1.1 chunked transfer coding, ``size`` bytes a chunk."""
    parts = [b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # as servers speak today: keep-alive, chunked bodies
    canned: Mapping[str, Canned] = {}

    def do_GET(self) -> None:
        answer = self.canned.get(self.path)
        if answer is None:
            super().do_GET()
            return
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        if not any(name.lower() == "transfer-encoding" for name, _ in answer.headers):
            self.send_header("Content-Length", str(len(answer.body)))
        # The connection ends with the body, so that a body whose framing is broken still ends.
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: wget says what it fetched
        pass


@contextlib.contextmanager
def serve(root: Path, canned: Mapping[str, Canned] | None = None, *, port: int = 0) -> Iterator[str]:
    """Serve the folder ``root`` (and the ``canned`` responses, by path) on 127.0.0.1; yields the base URL.

    Files are served as ``http.server`` serves them (its directory listings give
    a crawler the links to every file); the server stops when the block ends.
    ``port`` 0 takes a free one.
    """
    handler = type("Handler", (_Handler,), {"canned": dict(canned or {})})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def crawl(url: str, warc: Path, *, compress: bool = True, timeout: float = 300) -> Path:
    """Crawl ``url`` recursively with wget into the WARC ``warc`` (its name without ``.warc[.gz]``).

    Returns the WARC's path: ``NAME.warc.gz`` (one gzip member a record, wget's
    default) or, with ``compress=False``, ``NAME.warc``. The pages wget saves go to
    a temporary folder and are deleted. Raises ``RuntimeError`` when wget is missing
    or writes no WARC.
    """
    if shutil.which("wget") is None:
        raise RuntimeError("wget is not installed (apt-get install wget)")
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "wget",
            "--recursive",
            "--level=inf",
            "--no-parent",
            "--no-verbose",
            f"--warc-file={warc}",
            f"--warc-tempdir={scratch}",
            f"--directory-prefix={scratch}",
            *([] if compress else ["--no-warc-compression"]),
            url,
        ]
        # wget exits 8 when a server answered an error (a 404 for a missing image): the crawl still stands.
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    made = warc.with_name(warc.name + (".warc.gz" if compress else ".warc"))
    if done.returncode not in (0, 8) or not made.is_file():
        raise RuntimeError(f"wget failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return made
