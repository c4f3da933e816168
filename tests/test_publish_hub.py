"""`dataset-builder publish` against a Hub-compatible server on loopback (tests/hub_server.py), through the real
clients: the CLI (huggingface_hub's create_commit, preupload, LFS, tags) and `datasets.load_dataset(repo,
revision=tag)` / `hf_hub_download` in tests/hub_client.py. Both run in subprocesses whose environment points
HF_ENDPOINT at the server before the libraries are imported; nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_builder.build import build_release
from dataset_builder.release.reader import Release
from dataset_builder.release.versions import bumped

from .conftest import REPO, SEED_VERSION, SEEDS
from .hub_repos import regular_blob
from .hub_server import HubServer

TOKEN = "hf_publishtest" + secrets.token_hex(12)
REPO_ID = "seed-org/zh-web-seeds"
_MAJOR, _MINOR, _ = SEED_VERSION.split(".")
NEXT_VERSION = f"{_MAJOR}.{int(_MINOR) + 1}.0"  # a version after the seed's, whatever the seed's is
CLIENT = Path(__file__).with_name("hub_client.py")
UPLOADS = ("preupload", "lfs-upload", "/commit/", "/tag/", "/branch/")


@pytest.fixture
def hub():
    with HubServer(TOKEN) as server:
        yield server


@pytest.fixture
def hf_env(hub, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))}
    env.update(HF_ENDPOINT=hub.endpoint, HF_TOKEN=TOKEN, HF_HUB_DISABLE_XET="1", HF_HUB_DISABLE_TELEMETRY="1",
               HF_HOME=str(tmp_path / "hf-home"), NO_COLOR="1", COLUMNS="200")
    return env


NEXT_VERSION = bumped(SEED_VERSION, "minor")  # a version after the committed seed release


@pytest.fixture(scope="module")
def fewer_seeds(tmp_path_factory) -> dict[str, Path]:
    """The seed dataset without one of its pages, built under a new version and under the seed's own version
    (a changed release that claims an already published version)."""
    releases = {}
    for version in (NEXT_VERSION, SEED_VERSION):
        base = tmp_path_factory.mktemp(f"fewer-{version}")
        shutil.copytree(SEEDS, base / "seeds")
        dropped = sorted((base / "seeds").glob("*.txt"))[-1]
        dropped.unlink()
        metadata = base / "seeds" / "metadata.jsonl"
        kept = [line for line in metadata.read_text("utf-8").splitlines() if dropped.name not in line]
        metadata.write_text("\n".join(kept) + "\n", "utf-8")
        config = (REPO / "dataset.toml").read_text("utf-8").replace(f'version = "{SEED_VERSION}"', f'version = "{version}"', 1)
        (base / "dataset.toml").write_text(config, "utf-8")
        shutil.copy(REPO / "datasheet.yaml", base / "datasheet.yaml")
        releases[version] = build_release(base / "dataset.toml").release_dir
    return releases


def publish(env: dict, release: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "publish", str(release), "--repo-id", REPO_ID,
                             *args], env=env, capture_output=True, text=True, timeout=300)
    assert TOKEN not in result.stdout + result.stderr  # in every run, whatever its outcome
    return result


def publish_on_terminal(env: dict, release: Path, *args: str) -> tuple[int, str]:
    """Run publish with its output on a pseudo-terminal (as a user at a shell); (exit code, everything printed)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "dataset_builder.cli", "publish", str(release), "--repo-id",
                                REPO_ID, *args], env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the pty closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert TOKEN not in text
    return process.wait(timeout=300), text


def client(env: dict, *args: str):
    result = subprocess.run([sys.executable, str(CLIENT), *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def load_rows(env: dict, revision: str, streaming: bool = False) -> dict:
    return json.loads(client(env, "load", REPO_ID, revision, *(["--streaming"] if streaming else [])))


def local_rows(release: Path) -> dict:
    """The release's rows per split, read straight from its shards (JSON round trip, as load_rows)."""
    reader = Release(release)
    rows = {split: [r for b in reader.split_batches(split) for r in b.to_pylist()] for split in reader.split_names()}
    return json.loads(json.dumps(rows, ensure_ascii=False, default=str))


def release_paths(release: Path) -> set[str]:
    return set(Release(release).files)


def upload_requests(hub, since: int = 0) -> list:
    return [r for r in hub.state.requests[since:] if any(u in r[1] for u in UPLOADS)]


def repo(hub):
    return hub.state.repos[REPO_ID]


def tagged_files(hub, tag: str) -> set[str]:
    return set(repo(hub).commits[repo(hub).tags[tag]].files)


def test_seed_release_publishes_and_loads_back_by_its_tag(hub, hf_env, seed_release):
    tag = f"v{SEED_VERSION}"
    result = publish(hf_env, seed_release)
    assert result.returncode == 0, result.stderr
    assert f"{hub.endpoint}/datasets/{REPO_ID}" in result.stdout and f"tag {tag}" in result.stdout
    # one commit on top of the repo's initial one, holding exactly the release, tagged
    main = repo(hub).commits[repo(hub).branches["main"]]
    assert repo(hub).tags == {tag: main.oid}
    assert repo(hub).commits[main.parent].parent is None
    assert set(main.files) == release_paths(seed_release) | {".gitattributes"}
    assert main.files["data/train-00000-of-00001.parquet"].sha256 is not None  # went through LFS

    expected = local_rows(seed_release)
    assert sum(map(len, expected.values())) > 0
    assert load_rows(hf_env, tag) == expected
    ranges_before = hub.state.range_requests
    assert load_rows(hf_env, tag, streaming=True) == expected  # HfFileSystem reads the shards by byte ranges
    assert hub.state.range_requests > ranges_before
    manifest = json.loads((seed_release / "manifest.json").read_text("utf-8"))
    card = next(f for f in manifest["files"] if f["path"] == "README.md")
    assert client(hf_env, "download", REPO_ID, tag, "README.md") == card["sha256"]


def test_publishing_again_is_a_noop(hub, hf_env, seed_release):
    assert publish(hf_env, seed_release).returncode == 0
    commits, seen = len(repo(hub).commits), len(hub.state.requests)
    again = publish(hf_env, seed_release)
    assert again.returncode == 0, again.stderr
    assert "already published" in again.stdout
    assert upload_requests(hub, seen) == []
    assert len(repo(hub).commits) == commits


def test_a_changed_release_under_a_published_version_is_refused(hub, hf_env, seed_release, fewer_seeds):
    assert publish(hf_env, seed_release).returncode == 0
    tagged, seen = dict(repo(hub).tags), len(hub.state.requests)
    changed = publish(hf_env, fewer_seeds[SEED_VERSION])
    assert changed.returncode == 1
    message = " ".join(changed.stderr.split())
    assert f"tag v{SEED_VERSION} already exists on other content" in message
    assert "data/train-00000-of-00001.parquet: other content" in message or "other content" in message
    assert "nothing was uploaded" in message and "Traceback" not in changed.stderr
    assert upload_requests(hub, seen) == []
    assert repo(hub).tags == tagged


def test_a_refused_commit_leaves_no_tag_and_no_partial_commit_and_the_next_run_succeeds(hub, hf_env, seed_release):
    hub.state.refuse_commits, hub.state.refuse_status = 1, 422  # not worth retrying: this run fails
    failed = publish(hf_env, seed_release)
    assert failed.returncode == 1
    assert "HTTP 422" in failed.stderr and f"no tag v{SEED_VERSION} was created" in " ".join(failed.stderr.split())
    assert repo(hub).tags == {}
    assert len(repo(hub).commits) == 1 and set(repo(hub).commits[repo(hub).branches["main"]].files) == {".gitattributes"}

    again = publish(hf_env, seed_release)
    assert again.returncode == 0, again.stderr
    assert tagged_files(hub, f"v{SEED_VERSION}") == release_paths(seed_release) | {".gitattributes"}
    assert load_rows(hf_env, f"v{SEED_VERSION}") == local_rows(seed_release)


def test_a_concurrent_commit_is_not_interleaved_and_the_retry_commits_on_the_new_head(hub, hf_env, seed_release):
    concurrent = {}

    def someone_else_commits(state, repo_):
        head = repo_.commits[repo_.branches["main"]]
        files = dict(head.files, **{"NOTES.md": regular_blob("其他人的修改\n".encode())})
        concurrent["oid"] = repo_.branches["main"] = state.new_commit(repo_, head.oid, "concurrent edit", files).oid

    hub.state.before_commit = someone_else_commits  # our first commit then answers 412: its parent is stale
    result = publish(hf_env, seed_release)
    assert result.returncode == 0, result.stderr
    commits = [r for r in hub.state.requests if "/commit/" in r[1]]
    assert len(commits) == 2
    tagged = repo(hub).commits[repo(hub).tags[f"v{SEED_VERSION}"]]
    assert tagged.parent == concurrent["oid"]  # history kept, the head re-read before the second try
    assert set(tagged.files) == release_paths(seed_release) | {".gitattributes"}  # the tag holds the release only


@pytest.mark.parametrize("status", [503, 429])
def test_a_server_error_or_rate_limit_on_the_commit_is_retried_within_the_run(hub, hf_env, seed_release, status):
    hub.state.refuse_commits, hub.state.refuse_status = 1, status
    result = publish(hf_env, seed_release)
    assert result.returncode == 0, result.stderr
    assert f"HTTP {status}" in result.stderr and "trying again" in result.stderr and "(try 2 of 5)" in result.stderr
    assert result.stderr.count("sent data/train-00000-of-00001.parquet") == 1  # progress is not reported twice
    assert len([r for r in hub.state.requests if "/commit/" in r[1]]) == 2
    assert len(repo(hub).commits) == 2  # the initial commit and ours: the refused try left nothing
    assert tagged_files(hub, f"v{SEED_VERSION}") == release_paths(seed_release) | {".gitattributes"}


def test_retries_stop_after_five_tries(hub, hf_env, seed_release):
    hub.state.refuse_commits, hub.state.refuse_status = 100, 503
    failed = publish(hf_env, seed_release)
    assert failed.returncode == 1 and "after 5 tries" in failed.stderr
    assert len([r for r in hub.state.requests if "/commit/" in r[1]]) == 5
    assert repo(hub).tags == {}


def test_a_second_version_loads_by_its_own_tag_and_the_first_still_by_its(hub, hf_env, seed_release, fewer_seeds):
    second = fewer_seeds[NEXT_VERSION]
    assert publish(hf_env, seed_release).returncode == 0
    result = publish(hf_env, second)
    assert result.returncode == 0, result.stderr
    assert f"tag v{NEXT_VERSION}" in result.stdout
    first_rows, second_rows = local_rows(seed_release), local_rows(second)
    assert first_rows != second_rows
    assert load_rows(hf_env, f"v{NEXT_VERSION}") == second_rows
    assert load_rows(hf_env, f"v{SEED_VERSION}") == first_rows
    assert repo(hub).branches["main"] == repo(hub).tags[f"v{NEXT_VERSION}"]


def test_the_token_is_never_printed_even_with_debug_logging_or_a_server_that_echoes_it(hub, hf_env, seed_release):
    debug = dict(hf_env, HF_DEBUG="1", HF_HUB_VERBOSITY="debug", DATASET_BUILDER_DEBUG="1")
    hub.state.refuse_commits, hub.state.refuse_status = 1, 403
    hub.state.error_body_extra = f" (you sent Authorization: Bearer {TOKEN})"
    failed = publish(debug, seed_release)  # publish() asserts the token is in neither stdout nor stderr
    assert failed.returncode == 1 and "<token>" in failed.stderr
    ok = publish(debug, seed_release)
    assert ok.returncode == 0
    assert "curl" in ok.stderr or "Send:" in ok.stderr  # huggingface_hub's debug log was on and printed requests


def test_an_invalid_release_uploads_nothing(hub, hf_env, seed_release, tmp_path):
    broken = tmp_path / seed_release.parent.name / seed_release.name
    shutil.copytree(seed_release, broken)
    card = broken / "README.md"
    card.write_text(card.read_text("utf-8").replace("num_examples: 2", "num_examples: 3", 1), "utf-8")
    result = publish(hf_env, broken)
    assert result.returncode == 1
    assert "fails validation; nothing was uploaded" in result.stderr and "README.md" in result.stderr
    assert hub.state.requests == []


def test_dry_run_prints_the_plan_and_uploads_nothing(hub, hf_env, seed_release):
    result = publish(hf_env, seed_release, "--dry-run", "--branch", "releases")
    assert result.returncode == 0, result.stderr
    for path in release_paths(seed_release):
        size = (seed_release / path).stat().st_size
        assert any(path in line and f"{size:,} bytes" in line for line in result.stdout.splitlines()), path
    assert f"Publish zh-web-seeds {SEED_VERSION}" in result.stdout
    assert "releases" in result.stdout and f"v{SEED_VERSION}" in result.stdout
    assert hub.state.requests == []


def test_private_repo_on_another_branch_with_a_progress_bar_on_a_terminal(hub, hf_env, seed_release):
    env = {k: v for k, v in hf_env.items() if k not in ("NO_COLOR", "COLUMNS")}
    code, text = publish_on_terminal(env, seed_release, "--private", "--branch", "releases")
    assert code == 0, text
    assert "uploading to" in text and "━" in text  # rich's bar, drawn because stderr is a terminal
    assert "sent " not in text  # the plain lines are for logs, not terminals
    assert f"{hub.endpoint}/datasets/{REPO_ID}" in text and f"tag v{SEED_VERSION}" in text
    assert repo(hub).private
    assert repo(hub).tags[f"v{SEED_VERSION}"] == repo(hub).branches["releases"]
    assert set(repo(hub).commits[repo(hub).branches["main"]].files) == {".gitattributes"}


def test_a_malformed_repo_id_is_refused_before_any_request(hub, hf_env, seed_release):
    bad = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "publish", str(seed_release), "--repo-id",
                          "org/na[me]/x"], env=hf_env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1
    assert "--repo-id 'org/na[me]/x'" in bad.stderr and "Traceback" not in bad.stderr
    assert hub.state.requests == []


def test_without_hf_token_the_saved_login_is_used_and_without_either_a_clear_error(hub, hf_env, seed_release):
    env = {k: v for k, v in hf_env.items() if k != "HF_TOKEN"}
    result = publish(env, seed_release)
    assert result.returncode == 1 and "no Hugging Face token" in result.stderr
    assert hub.state.requests == []
    # `hf auth login` saves the token as HF_HOME/token, where huggingface_hub looks when HF_TOKEN is unset
    Path(env["HF_HOME"]).mkdir(parents=True, exist_ok=True)
    (Path(env["HF_HOME"]) / "token").write_text(TOKEN, "utf-8")
    logged_in = publish(env, seed_release)
    assert logged_in.returncode == 0, logged_in.stderr
    assert f"v{SEED_VERSION}" in repo(hub).tags
