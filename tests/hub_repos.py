"""The test Hub server's state: repos as git-like commits of blobs (LFS files by sha256), branches and tags, in
memory, plus the JSON the Hub API gives for a file entry. Used by tests/hub_server.py."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

# The Hub's default .gitattributes for a new dataset repo sends these through LFS (a subset of the real list).
LFS_SUFFIXES = (".parquet", ".arrow", ".bin", ".gz", ".zst", ".zip", ".tar", ".npy", ".pt", ".safetensors")
LFS_SIZE = 10 * 1024 * 1024
GITATTRIBUTES = "".join(f"*{s} filter=lfs diff=lfs merge=lfs -text\n" for s in LFS_SUFFIXES).encode()


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Blob:
    size: int
    oid: str  # git blob oid (of the pointer file for LFS)
    sha256: str | None = None  # LFS files only
    pointer_size: int | None = None
    content: bytes | None = None  # regular files only


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    files: dict[str, Blob]
    date: str


@dataclass
class Repo:
    repo_id: str
    private: bool
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> Commit | None:
        oid = self.branches.get(revision) or self.tags.get(revision) or revision
        return self.commits.get(oid)


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


class HubState:
    def __init__(self, token: str, endpoint: str = ""):
        self.token = token
        self.endpoint = endpoint
        self.repos: dict[str, Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.refuse_commits = 0
        self.refuse_status = 500
        self.before_commit = None  # callable(state, repo) or None
        self.error_body_extra = ""
        self.range_requests = 0
        self.lock = threading.RLock()
        self._clock = 0

    # -- git-like operations -------------------------------------------------------------------------------
    def new_commit(self, repo: Repo, parent: str | None, title: str, files: dict[str, Blob]) -> Commit:
        self._clock += 1
        listing = "\n".join(f"{p} {b.oid}" for p, b in sorted(files.items()))
        oid = hashlib.sha1(f"{parent}\n{title}\n{self._clock}\n{listing}".encode()).hexdigest()
        date = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        commit = Commit(oid, parent, title, dict(files), date)
        repo.commits[oid] = commit
        return commit

    def create_repo(self, repo_id: str, private: bool) -> Repo:
        repo = Repo(repo_id, private)
        first = self.new_commit(repo, None, "initial commit", {".gitattributes": regular_blob(GITATTRIBUTES)})
        repo.branches["main"] = first.oid
        self.repos[repo_id] = repo
        return repo

    def repo(self, repo_id: str) -> Repo:
        repo = self.repos.get(repo_id)
        if repo is None:
            raise HubError(404, f"Repository {repo_id} not found", "RepoNotFound")
        return repo

    def commit_at(self, repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return commit


def regular_blob(data: bytes) -> Blob:
    return Blob(size=len(data), oid=git_blob_oid(data), content=data)


def lfs_blob(sha256: str, size: int) -> Blob:
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()
    return Blob(size=size, oid=git_blob_oid(pointer), sha256=sha256, pointer_size=len(pointer))


def entry_json(path: str, blob: Blob, commit: Commit, expand: bool) -> dict:
    entry = {"type": "file", "oid": blob.oid, "size": blob.size, "path": path}
    if blob.sha256 is not None:
        entry["lfs"] = {"oid": blob.sha256, "size": blob.size, "pointerSize": blob.pointer_size}
    if expand:
        entry["lastCommit"] = {"id": commit.oid, "title": commit.title, "date": commit.date}
    return entry


def folders_of(files) -> set[str]:
    out = set()
    for path in files:
        parts = path.split("/")[:-1]
        out.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return out
