"""``corpus add s3://bucket/prefix/ s3://bucket/key``: objects in an S3-compatible store, against a real server.

The server is moto's (``moto[server]``, in the ``test`` extra), started here on
127.0.0.1 for the module; the files put in it are the seeds and a document of the
shared data, and the command line reaches it as a user would reach MinIO, through
``AWS_ENDPOINT_URL`` and the AWS credential variables. What a user sees is checked:
the same documents, canonical texts and decisions as adding the same files from
disk, the ``s3://`` URLs as locations with what the store said of each object,
and one failed record with a clear line for a key, bucket or endpoint that is not
there, for access denied and for a file over ``--max-file-size``, the other files
still added.

moto and pyarrow (the client, extra ``s3``) are test dependencies: without them
these tests are skipped with the reason, but under CI=true they fail. The test
that an ``s3://`` argument says how to install the client runs everywhere.
"""

from __future__ import annotations

import io
import logging
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PDF_SEED, ROOT, SEEDS, TITLE, WEB_SEED, CliRunner, Run, in_ci, run_corpus, shared
from test_jobs import store_contents

from corpus.inputs.objects import library_missing

BUCKET = "corpus-test"
# The shared data's document in six forms (HTML, PDF, text dumps) and a JSON file a walk skips.
SHARED_DOCUMENT = "zh-web-vs-pdf/D08-xinhuanet-wuhan"


class Store:
    """The running server: where it is, the environment that points ``corpus`` at it, and a client."""

    def __init__(self, endpoint: str, client: Any) -> None:
        self.endpoint = endpoint
        self.client = client
        self.env = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            # Nothing of the machine's own AWS set-up may play a part.
            "AWS_PROFILE": "",
            "AWS_SESSION_TOKEN": "",
            "AWS_ENDPOINT_URL_S3": "",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=BUCKET, Key=key, Body=data)
        return f"s3://{BUCKET}/{key}"


def _missing(what: str, reason: str) -> None:
    message = f"{what} is not installed, object stores cannot be tested: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: `make test` installs it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """moto's S3 server on 127.0.0.1 (a free port) for the module, with an empty bucket."""
    missing = library_missing()
    if missing is not None:
        _missing("pyarrow (pip install 'corpus[s3]')", missing)
    try:
        import boto3  # type: ignore[import-untyped]
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        _missing("moto[server] (pip install 'corpus[test]')", str(exc))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        yield Store(endpoint, client)
    finally:
        server.stop()


def key_of(path: Path) -> str:
    """The key a file is put under: its path from the folder that holds the checkout and shared/.

    So the objects sort as the files do (the documents an add makes are decided in
    the order of the locations, and their ids with them).
    """
    return Path(os.path.abspath(path)).relative_to(ROOT.parent).as_posix()  # links kept, as in a location


def upload(store: Store, folder: Path) -> str:
    """Every file under ``folder`` put in the bucket; the prefix they are under (``s3://…/``)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            store.put(key_of(path), path.read_bytes())
    return f"s3://{BUCKET}/{key_of(folder)}/"


@pytest.fixture(scope="module")
def uploaded(store: Store) -> dict[str, str]:
    """The seeds, a document of the shared data, hidden files and a data file: the prefixes they are under."""
    seeds = upload(store, SEEDS)
    shared_document = upload(store, shared(SHARED_DOCUMENT))
    # What a folder walk leaves out, a prefix listing leaves out too.
    store.put(f"{key_of(SEEDS)}/.hidden.txt", WEB_SEED.read_bytes())
    store.put(f"{key_of(SEEDS)}/.git/objects/x.txt", PDF_SEED.read_bytes())
    store.put(f"{key_of(SEEDS)}/listing.csv", b"file,size\n000.txt,26971\n")
    return {"seeds": seeds, "shared": shared_document}


def add(store: Store, db: Path, *arguments: str | Path, env: dict[str, str] | None = None) -> Run:
    return run_corpus("--db", db, "add", "--json", *arguments, env={**store.env, **(env or {})})


def relative(location: str) -> str:
    """A location with where it is taken out: a path from the checkout's parent, or a key."""
    if location.startswith("s3://"):
        return location.removeprefix(f"s3://{BUCKET}/")
    return key_of(Path(location))


def decisions(run: Run) -> list[tuple[Any, ...]]:
    return [
        (relative(r["path"]), r["status"], r["document_id"], r["sha256"], r["reader"], r["similarity"], r["error"])
        for r in run.json_lines()
    ]


def contents(db: Path) -> dict[str, Any]:
    """What a user can read of the store (:func:`test_jobs.store_contents`), each source's path made relative."""
    found = store_contents(db)
    for document in found["documents"]:
        for source in document["sources"]:
            source["path"] = relative(source["path"])
    return found


# -- the same documents as from disk ---------------------------------------------------------------


def test_prefixes_give_the_documents_the_same_folders_give_from_disk(
    store: Store, uploaded: dict[str, str], tmp_path: Path, cli: CliRunner
) -> None:
    local = add(store, tmp_path / "local.db", SEEDS, shared(SHARED_DOCUMENT))
    remote = add(store, tmp_path / "s3.db", uploaded["seeds"], uploaded["shared"])
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    assert decisions(remote) == decisions(local)
    assert contents(tmp_path / "s3.db") == contents(tmp_path / "local.db")
    # The locations are the objects' URLs; the hidden objects were not taken, the data files were counted.
    paths = [r["path"] for r in remote.json_lines()]
    assert all(p.startswith(f"s3://{BUCKET}/") for p in paths) and len(paths) == 8
    assert not [p for p in paths if "/." in p]
    assert local.stderr.strip() == "skipped 1 data file (1 JSON): not documents"
    assert remote.stderr.strip() == "skipped 2 data files (1 CSV, 1 JSON): not documents"  # the CSV is only in the bucket
    # The seed pair is one document: 63 paragraphs, its title first.
    seeds = [r for r in remote.json_lines() if "/seeds/" in r["path"]]
    assert [r["status"] for r in seeds] == ["new", "copy"] and seeds[0]["document_id"] == seeds[1]["document_id"]
    shown = cli("--db", tmp_path / "s3.db", "show", "--json", str(seeds[0]["document_id"]))
    (document,) = shown.json_lines()
    assert document["text"].startswith(TITLE) and len(document["paragraphs"]) == 63


def test_keys_named_or_listed_with_files_from_are_one_source_each(
    store: Store, uploaded: dict[str, str], tmp_path: Path
) -> None:
    web, pdf = (f"s3://{BUCKET}/{key_of(path)}" for path in (WEB_SEED, PDF_SEED))
    named = add(store, tmp_path / "named.db", pdf, web)
    listed = tmp_path / "keys.txt"
    listed.write_text(f"{pdf}\n{web}\n{web}\n", encoding="utf-8")  # a key listed twice is one source
    from_list = add(store, tmp_path / "list.db", "--files-from", listed)
    local = add(store, tmp_path / "local.db", PDF_SEED, WEB_SEED)
    assert named.returncode == from_list.returncode == 0, named.stderr + from_list.stderr
    assert decisions(named) == decisions(from_list) == decisions(local)
    assert [r["path"] for r in named.json_lines()] == [web, pdf]  # in the order of their locations
    assert contents(tmp_path / "named.db") == contents(tmp_path / "local.db")


def test_what_the_store_said_of_an_object_is_kept_with_its_location(
    store: Store, uploaded: dict[str, str], tmp_path: Path
) -> None:
    from corpus import Corpus

    run = add(store, tmp_path / "c.db", uploaded["seeds"])
    assert run.returncode == 0, run.stderr
    head = store.client.head_object(Bucket=BUCKET, Key=key_of(WEB_SEED))
    with Corpus.open(tmp_path / "c.db") as corpus:
        (document,) = corpus.documents()
        sources = corpus.document(document.document_id).sources
    (web,) = [s for s in sources if s.path.endswith(WEB_SEED.name)]
    (seen,) = web.seen
    assert seen["location"] == f"s3://{BUCKET}/{key_of(WEB_SEED)}"
    details = seen["details"]
    assert details["size"] == str(WEB_SEED.stat().st_size) == str(head["ContentLength"])
    assert details["etag"] == head["ETag"]
    assert details["last_modified"] and details["fetched_at"]


def test_an_archive_in_a_bucket_is_opened_as_one_on_disk(store: Store, tmp_path: Path) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (WEB_SEED, PDF_SEED):
            archive.write(path, f"seeds/{path.name}")
    on_disk = tmp_path / "seeds.zip"
    on_disk.write_bytes(packed.getvalue())
    url = store.put("archives/seeds.zip", packed.getvalue())
    broken = store.put("archives/broken.zip", b"PK\x03\x04 cut short")
    remote = add(store, tmp_path / "s3.db", url)
    local = add(store, tmp_path / "local.db", on_disk)
    assert remote.returncode == 0, remote.stderr
    assert [r["path"] for r in remote.json_lines()] == [f"{url}!seeds/{p.name}" for p in (WEB_SEED, PDF_SEED)]
    assert [r["status"] for r in remote.json_lines()] == ["new", "copy"]
    strip = [(r["status"], r["document_id"], r["sha256"]) for r in remote.json_lines()]
    assert strip == [(r["status"], r["document_id"], r["sha256"]) for r in local.json_lines()]
    # A damaged archive fails as it does on disk, its bytes kept; one over --max-file-size fails unread.
    damaged = add(store, tmp_path / "broken.db", broken)
    (record,) = damaged.json_lines()
    assert damaged.returncode == 1 and record["sha256"] is not None
    assert record["error"].startswith(f"{broken}: not a zip archive")
    small = add(store, tmp_path / "small.db", "--max-file-size", "20K", url)
    (record,) = small.json_lines()
    assert small.returncode == 1 and record["path"] == url and record["sha256"] is None
    assert "more than the 20 KB a file may have; raise the limit with --max-file-size" in record["error"]
    assert "downloaded to be opened" in record["error"]


# -- what goes wrong: one failed record, one line, the other files still go in --------------------------------


def test_a_key_or_bucket_that_is_not_there_fails_alone_with_its_reason(
    store: Store, uploaded: dict[str, str], tmp_path: Path
) -> None:
    seeds = uploaded["seeds"]
    missing_key = f"{seeds}no-such-file.txt"
    missing_bucket = "s3://no-such-bucket/file.txt"
    folder_as_key = seeds.rstrip("/")
    missing_prefix = f"s3://{BUCKET}/no/such/prefix/"
    run = add(store, tmp_path / "c.db", seeds, missing_key, missing_bucket, folder_as_key, missing_prefix)
    assert run.returncode == 1
    records = {r["path"]: r for r in run.json_lines()}
    assert [records[p]["status"] for p in records if "/seeds/0" in p] == ["new", "copy"]
    errors = {path: r["error"] for path, r in records.items() if r["status"] == "failed"}
    assert errors == {
        missing_key: f"{missing_key}: no such key in bucket {BUCKET} (in {store.endpoint})",
        missing_bucket: f"{missing_bucket}: no such bucket: no-such-bucket (in {store.endpoint})",
        folder_as_key: (
            f"{folder_as_key}: no such key, but there are objects under {seeds}; "
            f"to add them, name the prefix with its trailing slash: {seeds}"
        ),
        missing_prefix: (
            f"{missing_prefix}: no objects under this prefix in {store.endpoint} "
            "(it is not there, or the credentials in use may not see what is)"
        ),
    }


def test_an_object_over_max_file_size_fails_as_a_file_over_it_does(
    store: Store, uploaded: dict[str, str], tmp_path: Path
) -> None:
    limit = "27000"  # between the two seeds' sizes: 26,971 and 27,455 bytes
    remote = add(store, tmp_path / "s3.db", "--max-file-size", limit, uploaded["seeds"])
    local = add(store, tmp_path / "local.db", "--max-file-size", limit, SEEDS)
    assert remote.returncode == local.returncode == 1
    (failed,) = [r for r in remote.json_lines() if r["status"] == "failed"]
    (local_failed,) = [r for r in local.json_lines() if r["status"] == "failed"]
    assert failed["path"] == f"s3://{BUCKET}/{key_of(PDF_SEED)}" and failed["sha256"] is None
    assert failed["error"] == local_failed["error"].replace(local_failed["path"], failed["path"])
    assert "raise the limit with --max-file-size" in failed["error"]
    assert [r["status"] for r in remote.json_lines() if r["status"] != "failed"] == ["new"]


def test_an_endpoint_that_does_not_answer_fails_each_source_with_one_line(tmp_path: Path, store: Store) -> None:
    started = time.monotonic()
    unreachable = {"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
    run = add(store, tmp_path / "c.db", f"s3://{BUCKET}/a.txt", f"s3://{BUCKET}/folder/", WEB_SEED, env=unreachable)
    assert run.returncode == 1 and time.monotonic() - started < 60
    records = {r["path"]: r for r in run.json_lines()}
    assert records[str(WEB_SEED)]["status"] == "new"
    for url in (f"s3://{BUCKET}/a.txt", f"s3://{BUCKET}/folder/"):
        error = records[url]["error"]
        assert error.startswith(f"{url}: cannot reach the object store at http://127.0.0.1:1: ")
        assert "\n" not in error and "connect" in error.lower()


def test_access_denied_names_the_object_and_the_credentials(
    store: Store, uploaded: dict[str, str], tmp_path: Path
) -> None:
    import boto3
    import requests

    # A user who may read the seeds and nothing else, then moto told to check every request.
    iam = boto3.client(
        "iam",
        endpoint_url=store.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    iam.create_user(UserName="reader")
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], '
        f'"Resource": "arn:aws:s3:::{BUCKET}/{key_of(SEEDS)}/*"}}]}}'
    )
    iam.put_user_policy(UserName="reader", PolicyName="seeds", PolicyDocument=policy)
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    secret = store.put("private/secret.txt", WEB_SEED.read_bytes())
    credentials = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    web = f"s3://{BUCKET}/{key_of(WEB_SEED)}"
    requests.post(f"{store.endpoint}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()
    try:
        run = add(store, tmp_path / "c.db", web, secret, f"s3://{BUCKET}/private/", env=credentials)
    finally:
        requests.post(f"{store.endpoint}/moto-api/reset-auth", data=b"inf", timeout=10).raise_for_status()
    assert run.returncode == 1, run.stderr
    records = {r["path"]: r for r in run.json_lines()}
    assert records[web]["status"] == "new"  # the user's credentials, from the environment, were used
    assert records[secret]["error"] == (
        f"{secret}: access denied: the credentials in use (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws) may not read it"
    )
    assert records[f"s3://{BUCKET}/private/"]["error"].startswith(f"s3://{BUCKET}/private/: access denied")


# -- the Ray engine ---------------------------------------------------------------------------------------


def test_with_ray_the_workers_read_the_objects_and_make_the_same_documents(
    store: Store, uploaded: dict[str, str], tmp_path: Path
) -> None:
    from corpus.ray_engine import ray_missing

    missing = ray_missing()
    if missing is not None:
        _missing("Ray (pip install 'corpus[ray]')", missing)
    # A local Ray of 2 CPUs started by the add itself: its workers inherit the environment that points at the store.
    env = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    with_ray = add(store, tmp_path / "ray.db", "--engine", "ray", "--jobs", "2", uploaded["seeds"], env=env)
    local = add(store, tmp_path / "local.db", uploaded["seeds"])
    assert with_ray.returncode == 0, with_ray.stderr
    assert decisions(with_ray) == decisions(local)
    assert contents(tmp_path / "ray.db") == contents(tmp_path / "local.db")


# -- without the client -----------------------------------------------------------------------------------


def test_without_pyarrow_an_s3_url_says_how_to_install_it_and_does_nothing(tmp_path: Path) -> None:
    shim = tmp_path / "shim" / "pyarrow"
    shim.mkdir(parents=True)
    # Found before the installed package: `import pyarrow.fs` fails as it does where pyarrow is not installed.
    (shim / "__init__.py").write_text('raise ImportError("No module named \'pyarrow\'")\n')
    db = tmp_path / "c.db"
    env = {"PYTHONPATH": os.pathsep.join([str(shim.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    run = run_corpus("--db", db, "add", SEEDS, f"s3://{BUCKET}/seeds/", env=env)
    assert run.returncode == 2
    assert "pip install 'corpus[s3]'" in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1
    assert not db.exists()  # nothing was done: not even the store was created
