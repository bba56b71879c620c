"""``corpus add URL``: pages fetched from a real HTTP server on 127.0.0.1 that the tests start.

The server (:class:`Site`, ``http.server`` in a thread) serves real documents: the seed
law as a web page's text and as a PDF's text, the seed page as an HTML page in GBK
declared only in its ``Content-Type``, gzip-encoded, and (from ../shared/data) a real
people.com.cn page without its ``<meta charset>`` and the PDF of the same document. It
also answers the ways a server goes wrong: a redirect chain and a loop, too many
redirects, 404, 500, a slow answer, bodies over ``--max-file-size`` with and without a
``Content-Length``, a gzip bomb, plain HTTP spoken to an ``https://`` URL and a
self-signed certificate. Everything is checked as a user sees it, through the real
command line: ``add --json`` records and exit codes, ``source --json`` and ``show --json``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from conftest import CLOSING, PDF_SEED, TITLE, WEB_SEED, CliRunner, Run, in_ci, shared

from corpus import Corpus
from corpus.decode import declared_charset
from corpus.inputs import Input, read_input
from corpus.inputs.reading import Opened
from corpus.limits import Limits

Route = Callable[[BaseHTTPRequestHandler], None]

WEB = WEB_SEED.read_bytes()
PDF_TEXT = PDF_SEED.read_bytes()
D03 = "zh-web-vs-pdf/D03-people-guoxinban-henan"


def answer(body: bytes, content_type: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    """A route that answers ``body`` with a ``Content-Length``; ``headers`` added."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return route


def streamed(parts: Callable[[], Iterator[bytes]], content_type: str, *, encoding: str | None = None) -> Route:
    """A route that streams ``parts()`` without a ``Content-Length`` and closes the connection to end it."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        if encoding:
            handler.send_header("Content-Encoding", encoding)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for part in parts():
            handler.wfile.write(part)
        handler.close_connection = True

    return route


def redirect(to: str, status: int = 302) -> Route:
    return answer(b"", "text/html", status=status, headers={"Location": to})


def gzipped(body: bytes) -> Route:
    """A route that sends ``body`` gzip-encoded, as a server does for a client that accepts it."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        assert "gzip" in handler.headers.get("Accept-Encoding", "")
        answer(gzip.compress(body), "text/plain; charset=utf-8", headers={"Content-Encoding": "gzip"})(handler)

    return route


def gzip_bomb(size: int) -> Iterator[bytes]:
    """``size`` zero bytes, gzip-compressed as they are made: about a thousandth of that on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    for _ in range(size // len(block)):
        yield compressor.compress(block)
    yield compressor.flush()


def gbk_page() -> bytes:
    """The seed web page as an HTML page in GBK, with no ``<meta charset>``: only the HTTP header says GBK."""
    _, *lines = WEB.decode("utf-8").splitlines()
    paragraphs = "".join(f"<p>{escape(line).replace(chr(0xA0), '&nbsp;')}</p>\n" for line in lines if line.strip())
    html = f"<!DOCTYPE html>\n<html><head><title>{TITLE}</title></head>\n<body>\n{paragraphs}</body></html>\n"
    assert "charset" not in html
    return html.encode("gbk")


@dataclass
class Site:
    """The HTTP server of these tests: ``routes`` by path; what each request asked, in ``requests``."""

    routes: dict[str, Route]
    port: int = 0
    requests: list[tuple[str, Message]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers))
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (a fetch stopped at a limit) is what these tests do on purpose


def serve(site: Site, context: ssl.SSLContext | None = None) -> Iterator[Site]:
    server = QuietServer(("127.0.0.1", 0), site.handler())
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site({})

    def slow(handler: BaseHTTPRequestHandler) -> None:
        site.stop.wait(60)  # far longer than the --timeout of the test; cut short when the server stops

    def drip() -> Iterator[bytes]:  # a byte every 0.2 s: never a read timeout, but no end either
        for _ in range(300):
            yield b"."
            if site.stop.wait(0.2):
                return

    site.routes.update(
        {
            "/seeds/notice.txt": answer(
                WEB,
                "text/plain; charset=utf-8",
                headers={"Last-Modified": "Thu, 23 Jul 2015 08:00:00 GMT", "ETag": '"seed-000"'},
            ),
            "/go/1": redirect("/go/2", 301),
            "/go/2": redirect("/go/3", 307),
            "/go/3": redirect("/law/pdf-text", 302),
            "/law/pdf-text": answer(PDF_TEXT, "text/plain"),
            "/loop/a": redirect("/loop/b"),
            "/loop/b": redirect("/loop/a"),
            **{f"/hop/{n}": redirect(f"/hop/{n + 1}") for n in range(20)},
            "/broken": answer(b"<h1>Internal Server Error</h1>", "text/html", status=500),
            "/slow": slow,
            "/drip": streamed(drip, "text/plain"),
            "/gbk/notice.html": answer(gbk_page(), "text/html; charset=gbk"),
            "/gzip/notice.txt": gzipped(WEB),
            "/big/with-length.txt": answer(PDF_TEXT, "text/plain"),
            "/big/streamed.txt": streamed(lambda: iter([PDF_TEXT]), "text/plain"),
            "/big/bomb.txt": streamed(lambda: gzip_bomb(256 * 1024 * 1024), "text/plain", encoding="gzip"),
        }
    )
    yield from serve(site)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add(
    cli: CliRunner, db: Path, *arguments: str | Path, env: dict[str, str] | None = None
) -> tuple[Run, dict[str, dict[str, Any]]]:
    """``corpus add … --json``; its records by the path they name."""
    run = cli("--db", db, "add", "--json", *arguments, env=env)
    assert "Traceback" not in run.stderr, run.stderr
    records = {r["path"]: r for r in run.json_lines()}
    return run, records


def source(cli: CliRunner, db: Path, source_id: int) -> dict[str, Any]:
    run = cli("--db", db, "source", str(source_id), "--json")
    assert run.returncode == 0, run.stderr
    info: dict[str, Any] = run.json_lines()[0]
    return info


def test_a_fetched_page_is_located_by_its_url_first_seen_when_fetched_with_what_the_server_said(
    cli: CliRunner, site: Site, tmp_path: Path
) -> None:
    db, url = tmp_path / "c.db", site.url("/seeds/notice.txt")
    before = datetime.now(UTC)
    run, records = add(cli, db, url)
    after = datetime.now(UTC)
    assert run.returncode == 0, run.stderr
    record = records[url]
    assert record["status"] == "new" and record["reader"] == "webtext" and record["encoding"] == "utf-8"
    assert record["title"] == TITLE

    info = source(cli, db, record["source_id"])
    assert info["locations"] == [url]
    (seen,) = info["seen"]
    details = seen["details"]
    fetched_at, first_seen = datetime.fromisoformat(details["fetched_at"]), datetime.fromisoformat(seen["first_seen"])
    assert before <= fetched_at <= first_seen <= after
    assert details["http_status"] == "200"
    assert details["content_type"] == "text/plain; charset=utf-8"
    assert details["last_modified"] == "Thu, 23 Jul 2015 08:00:00 GMT" and details["etag"] == '"seed-000"'
    assert "final_url" not in details  # not redirected
    headers = json.loads(details["http_headers"])
    assert headers["ETag"] == '"seed-000"' and headers["Content-Length"] == str(len(WEB))

    # How the fetch named itself and what it accepted.
    asked = dict(site.requests)["/seeds/notice.txt"]
    assert asked["User-Agent"] == f"corpus/{metadata.version('corpus')}"
    assert {"gzip", "deflate"} <= set(asked["Accept-Encoding"].split(","))

    # The same bytes added as a file are the same source: only the new location is recorded.
    run, records = add(cli, db, WEB_SEED)
    assert run.returncode == 0, run.stderr
    assert records[str(WEB_SEED)]["status"] == "exists"
    assert records[str(WEB_SEED)]["source_id"] == record["source_id"]
    info = source(cli, db, record["source_id"])
    assert info["locations"] == [url, str(WEB_SEED)]
    assert [s["location"] for s in info["seen"]] == [url, str(WEB_SEED)] and info["seen"][1]["details"] == {}


def test_each_url_that_fails_is_one_failed_record_saying_why_and_the_others_go_in(
    cli: CliRunner, site: Site, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    good, chain, zipped = site.url("/seeds/notice.txt"), site.url("/go/1"), site.url("/gzip/notice.txt")
    refused, unknown = f"http://127.0.0.1:{closed_port()}/law.html", "http://corpus-test.invalid/law.html"
    failing = {
        site.url("/loop/a"): f"a redirect loop: {site.url('/loop/a')} → {site.url('/loop/b')} → {site.url('/loop/a')}",
        site.url("/hop/0"): "too many redirects: more than 10",
        site.url("/nowhere"): "the server answered HTTP 404 Not Found",
        site.url("/broken"): "the server answered HTTP 500 Internal Server Error",
        refused: "cannot connect to 127.0.0.1:",
        unknown: "cannot resolve host corpus-test.invalid",
        site.url("/seeds/notice.txt", scheme="https"): "TLS error with 127.0.0.1:",
        "http://[::1/law.html": "not a URL that can be fetched",
    }
    run, records = add(cli, db, good, *failing, chain, zipped, "--jobs", "2")
    assert run.returncode == 1, run.stderr
    assert len(records) == len(failing) + 3  # one record each
    for url, reason in failing.items():
        assert records[url]["status"] == "failed" and records[url]["document_id"] is None
        error = records[url]["error"]
        assert error.startswith(url) and reason in error and "\n" not in error, error
    assert "connection refused" in records[refused]["error"]

    # Beside them, one document: the page, the same page gzip-encoded (the same bytes once decoded), and the PDF's
    # text through three redirects, located by the URL given. Which is new depends on the order of the locations.
    added = [records[url] for url in (good, zipped, chain)]
    assert sorted(r["status"] for r in added) == ["copy", "exists", "new"]
    assert len({r["document_id"] for r in added}) == 1
    assert records[zipped]["sha256"] == records[good]["sha256"] == hashlib.sha256(WEB).hexdigest()
    assert records[chain]["reader"] == "pdftext"
    info = source(cli, db, records[chain]["source_id"])
    assert info["locations"] == [chain]
    assert info["seen"][0]["details"]["final_url"] == site.url("/law/pdf-text")
    assert "Traceback" not in run.stderr


def test_a_slow_server_costs_the_time_limit_and_is_named(cli: CliRunner, site: Site, tmp_path: Path) -> None:
    slow, drip, good = site.url("/slow"), site.url("/drip"), site.url("/seeds/notice.txt")
    started = time.monotonic()
    run, records = add(cli, tmp_path / "c.db", slow, drip, good, "--timeout", "3", "--jobs", "3")
    assert time.monotonic() - started < 30  # not the 60 s the server would take
    assert run.returncode == 1, run.stderr
    assert records[good]["status"] == "new"
    for url in (slow, drip):  # no answer at all; an answer that never ends
        assert records[url]["status"] == "failed"
        assert records[url]["error"] == (
            f"{url}: fetching it took longer than 3 s, the time limit per file, and was stopped; "
            "raise the limit with --timeout"
        )


def test_bodies_over_the_size_limit_fail_and_a_gzip_bomb_costs_no_more_than_the_limit(
    cli: CliRunner, site: Site, tmp_path: Path
) -> None:
    with_length, streaming, bomb = (site.url(f"/big/{n}") for n in ("with-length.txt", "streamed.txt", "bomb.txt"))
    # The bomb inflates to 256 MB: read whole, it could not fit in the 160 MB the worker may take.
    run, records = add(
        cli, tmp_path / "c.db", with_length, streaming, bomb, "--max-file-size", "16K", "--max-memory", "160M"
    )
    assert run.returncode == 1, run.stderr
    assert records[with_length]["error"] == (
        f"{with_length}: the file is 27 KB, more than the 16 KB a file may have; raise the limit with --max-file-size"
    )
    assert records[streaming]["error"] == (
        f"{streaming}: the answer is more than 16 KB, more than a file may have, and was not read further; "
        "raise the limit with --max-file-size"
    )
    assert records[bomb]["error"] == (
        f"{bomb}: the answer is more than 16 KB once decoded, more than a file may have, and was not read further; "
        "raise the limit with --max-file-size"
    )


def test_a_gbk_page_declared_only_in_its_http_header_decodes_right(cli: CliRunner, site: Site, tmp_path: Path) -> None:
    url, db = site.url("/gbk/notice.html"), tmp_path / "c.db"
    fetched = read_input(Input(location=url, url=url, name="notice.html"), Limits())
    assert isinstance(fetched, Opened) and fetched.charset == "gbk"

    run, records = add(cli, db, WEB_SEED, url)
    assert run.returncode == 0, run.stderr
    page = records[url]
    assert page["reader"] == "html" and page["encoding"] == "gb18030"
    # Read right, it is a copy of the seed; read as mojibake, it would match nothing.
    assert page["status"] == "copy" and page["document_id"] == records[str(WEB_SEED)]["document_id"]
    assert source(cli, db, page["source_id"])["encoding_confidence"] == 0.9  # a declared charset that checked out
    shown = cli("--db", db, "show", str(page["document_id"]), "--json").json_lines()[0]
    assert shown["title"] == TITLE and CLOSING in shown["text"]


def test_a_real_page_without_its_meta_charset_and_its_pdf_fetched_are_one_document(
    cli: CliRunner, site: Site, tmp_path: Path
) -> None:
    page = shared(f"{D03}/web.as-served.gb18030.html").read_bytes()
    stripped = re.sub(rb"<meta[^>]*charset[^>]*>", b"", page, flags=re.IGNORECASE)
    assert declared_charset(page) == "gb2312" and declared_charset(stripped) is None
    site.routes["/henan/index.html"] = answer(stripped, "text/html; charset=GB2312")
    site.routes["/download?id=3"] = answer(shared(f"{D03}/official-style.pdf").read_bytes(), "application/pdf")
    url, pdf = site.url("/henan/index.html"), site.url("/download?id=3")
    run, records = add(cli, tmp_path / "c.db", url, pdf)
    assert run.returncode == 0, run.stderr
    assert records[url]["encoding"] == "gb18030" and records[url]["reader"] == "html"
    assert source(cli, tmp_path / "c.db", records[url]["source_id"])["encoding_confidence"] == 0.9  # as declared
    assert records[pdf]["reader"] == "pdf"  # by its bytes: the URL's name has no suffix
    assert {records[url]["status"], records[pdf]["status"]} == {"new", "copy"}
    assert records[url]["document_id"] == records[pdf]["document_id"]


def test_files_from_mixes_paths_and_urls(cli: CliRunner, site: Site, tmp_path: Path) -> None:
    url = site.url("/go/1")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{WEB_SEED}\n\n{url}\n", encoding="utf-8")
    run, records = add(cli, tmp_path / "c.db", "--files-from", listing)
    assert run.returncode == 0, run.stderr
    assert set(records) == {str(WEB_SEED), url}
    assert records[url]["status"] == "copy" and records[str(WEB_SEED)]["status"] == "new"


def test_the_python_api_adds_a_url_as_the_command_line_does(site: Site, tmp_path: Path) -> None:
    url = site.url("/seeds/notice.txt")
    with Corpus.open(tmp_path / "c.db") as corpus:
        (result,) = corpus.add(
            [
                url,
            ]
        )
        assert (result.path, result.status, result.error) == (url, "new", None)
        ((location, _, details),) = corpus.store.seen(result.source_id or 0)
    assert location == url and details["http_status"] == "200"


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path]]:
    """The seed page over HTTPS, with a self-signed certificate for 127.0.0.1 made by openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        if in_ci():
            pytest.fail("openssl is not installed (CI=true: .ci/run installs it)", pytrace=False)
        pytest.skip("openssl is not installed: no certificate for the HTTPS server")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    site = Site({"/notice.txt": answer(WEB, "text/plain; charset=utf-8")})
    for running in serve(site, context):
        yield running, cert


def test_https_is_fetched_when_its_certificate_is_trusted_and_fails_when_not(
    cli: CliRunner, tls_site: tuple[Site, Path], tmp_path: Path
) -> None:
    site, cert = tls_site
    url = site.url("/notice.txt", scheme="https")
    run, records = add(cli, tmp_path / "untrusted.db", url)
    assert run.returncode == 1
    assert records[url]["error"] == (
        f"{url}: TLS error with 127.0.0.1:{site.port}: the server's certificate is not trusted: self-signed certificate"
    )
    run, records = add(cli, tmp_path / "trusted.db", url, env={"SSL_CERT_FILE": str(cert)})
    assert run.returncode == 0, run.stderr
    assert records[url]["status"] == "new"
