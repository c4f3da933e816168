"""Publishing a built release to the Hugging Face Hub: one atomic commit, tagged `v<version>` only after it landed.

`datasets.push_to_hub` commits in chunks, so an interrupted push leaves a broken branch; Hub tags can be deleted
and recreated. Here a version is published as one `create_commit` (LFS files preuploaded first) whose tree is
exactly the release (files of an earlier version that this one does not have are deleted in the same commit),
with `parent_commit` set to the head that was read, so a concurrent change to the branch fails cleanly instead of
interleaving. 409/412/429/5xx answers are retried with backoff a bounded number of times, re-reading the head
each time. The tag is created after the commit succeeded; a tag that already exists on the same content is a
no-op, on other content a refusal before anything is uploaded.

The token is the one `huggingface_hub` finds (`HF_TOKEN`, or the saved login); it is never printed or logged:
every message that leaves this module passes through `redact`. `HF_ENDPOINT` and `HF_HUB_DISABLE_XET` are read
by `huggingface_hub` itself.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DatasetBuilderError, InvalidReleaseError
from ..hashing import file_sha256
from .reader import Release

# Answers worth another try: a moved branch (409, 412), rate limits (429), the server's own trouble (5xx).
RETRY_STATUSES = frozenset({409, 412, 429}) | frozenset(range(500, 600))
# `.gitattributes` is the Hub's own file in every new repo, not part of the release: kept, never compared.
HUB_OWN_FILES = frozenset({".gitattributes"})


class PublishError(DatasetBuilderError):
    """The release could not be published (the Hub refused, or the version exists with other content)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded tries with exponential backoff; a server's Retry-After wins when it is shorter than the cap."""

    tries: int = 5
    base_wait: float = 1.0
    max_wait: float = 30.0

    def wait(self, attempt: int, retry_after: float | None) -> float:
        wait = min(self.max_wait, self.base_wait * 2 ** (attempt - 1))
        return min(wait, retry_after) if retry_after is not None else wait


@dataclass(frozen=True)
class ReleaseFile:
    path: str  # inside the release and the repo, with /
    local: Path
    size: int
    sha256: str
    git_oid: str  # what the Hub reports for a file stored in git rather than LFS


@dataclass(frozen=True)
class PublishPlan:
    release_dir: Path
    repo_id: str
    branch: str
    tag: str
    commit_message: str
    commit_description: str
    files: tuple[ReleaseFile, ...]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class PublishResult:
    status: str  # "published", "tagged" (the branch already held this release), "already published"
    repo_url: str
    tag: str
    commit: str


def _git_oid(path: Path, size: int) -> str:
    digest = hashlib.sha1(b"blob %d\0" % size)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def release_files(release: Release) -> tuple[ReleaseFile, ...]:
    """Every file of the release, as the release reader lists them (validation has already checked that they
    are exactly the manifest's files and manifest.json)."""
    out = []
    for rel in release.files:
        local = release.path(rel)
        sha256, size = file_sha256(local)
        out.append(ReleaseFile(rel, local, size, sha256, _git_oid(local, size)))
    return tuple(out)


def validate_for_publish(release_dir: Path) -> None:
    """The checks `dataset-builder validate` runs; an invalid release is refused before any network call."""
    from ..validate import validate_path

    report = validate_path(release_dir)
    if report.ok:
        return
    lines = [p.text() for p in report.problems[:20]]
    more = len(report.problems) - len(lines)
    raise InvalidReleaseError("\n".join(
        [f"{release_dir}: the release fails validation; nothing was uploaded:"] + lines
        + ([f"... and {more} more problems (dataset-builder validate {release_dir} lists them all)"] if more > 0 else [])))


def plan_publish(release_dir: str | Path, repo_id: str, branch: str = "main") -> PublishPlan:
    """Validate the release and say what publishing it would do; no network."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    release_dir = Path(release_dir)
    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise PublishError(f"--repo-id {repo_id!r}: {' '.join(str(exc).split())}") from None
    if repo_id.count("/") != 1:
        raise PublishError(f"--repo-id {repo_id!r}: expected ORG/NAME")
    validate_for_publish(release_dir)
    release = Release(release_dir)
    manifest = release.manifest()
    name, version = manifest["name"], manifest["version"]
    counts = manifest["counts"]
    description = (f"Release {name} {version} built by dataset-builder: {counts['kept']} documents kept of "
                   f"{counts['read']} read; splits " + ", ".join(f"{k} {v}" for k, v in counts["splits"].items())
                   + ". One commit holding the whole release (manifest.json lists every file's sha256).")
    return PublishPlan(release_dir, repo_id, branch, f"v{version}", f"Publish {name} {version}", description,
                       release_files(release))


# -- talking to the Hub ----------------------------------------------------------------------------------------
def redact(text: str, token: str | None) -> str:
    return text.replace(token, "<token>") if token else text


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    try:
        return float(response.headers["Retry-After"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _describe(exc: BaseException, token: str | None) -> str:
    status = _status(exc)
    server = getattr(exc, "server_message", None)
    text = " ".join(str(server or exc).split())
    return redact(f"HTTP {status}: {text}" if status else f"{type(exc).__name__}: {text}", token)


def _hub_errors() -> tuple[type[BaseException], ...]:
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    return (HfHubHTTPError, httpx2.HTTPError, OSError, ValueError)


def remote_tree(api, repo_id: str, revision: str) -> dict[str, tuple[str, str | None]]:
    """path -> (git oid, LFS sha256 or None) of every file at `revision`."""
    from huggingface_hub.hf_api import RepoFile

    return {e.path: (e.blob_id, e.lfs.sha256 if e.lfs else None)
            for e in api.list_repo_tree(repo_id, revision=revision, recursive=True, repo_type="dataset")
            if isinstance(e, RepoFile)}


def tree_differences(plan: PublishPlan, tree: dict[str, tuple[str, str | None]]) -> list[str]:
    """The files on which a remote tree and the release disagree (empty when they hold the same content)."""
    local = {f.path: f for f in plan.files}
    remote = {p: v for p, v in tree.items() if p not in HUB_OWN_FILES}
    diffs = [f"{p}: only in the repo" for p in sorted(set(remote) - set(local))]
    diffs += [f"{p}: not in the repo" for p in sorted(set(local) - set(remote))]
    for path in sorted(set(local) & set(remote)):
        oid, sha256 = remote[path]
        if (sha256 or oid) != (local[path].sha256 if sha256 else local[path].git_oid):
            diffs.append(f"{path}: other content")
    return diffs


class Publisher:
    """One publish run: `run()` returns a PublishResult or raises PublishError with a token-free message."""

    def __init__(self, plan: PublishPlan, *, private: bool = False, retry: RetryPolicy = RetryPolicy(),
                 on_upload: Callable[[ReleaseFile], None] | None = None,
                 on_retry: Callable[[str], None] | None = None, sleep=time.sleep):
        from huggingface_hub import HfApi, get_token

        self.plan, self.private, self.retry, self.sleep = plan, private, retry, sleep
        self.on_upload = on_upload or (lambda f: None)
        self.on_retry = on_retry or (lambda message: None)
        self.token = get_token()
        if not self.token:
            raise PublishError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
        self.api = HfApi(token=self.token)
        self.repo_url = f"{self.api.endpoint}/datasets/{plan.repo_id}"

    def call(self, what: str, fn, *args, **kwargs):
        """`fn(*args, **kwargs)` with bounded retries on 409/412/429/5xx; other failures at once."""
        for attempt in range(1, self.retry.tries + 1):
            try:
                return fn(*args, **kwargs)
            except _hub_errors() as exc:
                self.give_up_unless_retryable(what, exc, attempt)

    def give_up_unless_retryable(self, what: str, exc: BaseException, attempt: int) -> None:
        status = _status(exc)
        if status not in RETRY_STATUSES or attempt >= self.retry.tries:
            tried = f" (after {attempt} tries)" if attempt > 1 else ""
            raise PublishError(f"{self.plan.repo_id}: {what} failed{tried}: {_describe(exc, self.token)}; "
                               f"no tag {self.plan.tag} was created") from None
        wait = self.retry.wait(attempt, _retry_after(exc))
        self.on_retry(f"{what}: {_describe(exc, self.token)}; trying again in {wait:g} s "
                      f"(try {attempt + 1} of {self.retry.tries})")
        self.sleep(wait)

    def run(self) -> PublishResult:
        plan = self.plan
        self.call("creating the repo", self.api.create_repo, plan.repo_id, repo_type="dataset",
                  private=self.private, exist_ok=True)
        tagged = self.tag_target()
        if tagged is not None:
            return self.check_existing_tag(tagged)
        commit = self.commit_release()
        try:
            self.call(f"creating tag {plan.tag}", self.api.create_tag, plan.repo_id, tag=plan.tag,
                      revision=commit.oid, tag_message=plan.commit_message, repo_type="dataset")
        except PublishError:
            tagged = self.tag_target()  # a concurrent run of the same publish may have tagged it first
            if tagged is None:
                raise
            return self.check_existing_tag(tagged)
        return PublishResult(commit.status, self.repo_url, plan.tag, commit.oid)

    def refs(self):
        return self.call("reading the repo's branches and tags", self.api.list_repo_refs, self.plan.repo_id,
                         repo_type="dataset")

    def tag_target(self) -> str | None:
        return next((t.target_commit for t in self.refs().tags if t.name == self.plan.tag), None)

    def check_existing_tag(self, commit: str) -> PublishResult:
        tree = self.call(f"reading tag {self.plan.tag}", remote_tree, self.api, self.plan.repo_id, commit)
        diffs = tree_differences(self.plan, tree)
        if diffs:
            shown = "; ".join(diffs[:10]) + (f"; ... {len(diffs) - 10} more" if len(diffs) > 10 else "")
            raise PublishError(f"{self.plan.repo_id}: tag {self.plan.tag} already exists on other content "
                               f"(commit {commit[:12]}): {shown}. A published version is immutable: nothing was "
                               "uploaded; build the change as a new version")
        return PublishResult("already published", self.repo_url, self.plan.tag, commit)

    def head(self) -> str:
        plan = self.plan
        refs = self.refs()
        branches = {b.name: b.target_commit for b in refs.branches}
        if plan.branch not in branches:
            self.call(f"creating branch {plan.branch}", self.api.create_branch, plan.repo_id, branch=plan.branch,
                      repo_type="dataset", exist_ok=True)
            branches = {b.name: b.target_commit for b in self.refs().branches}
        return branches[plan.branch]

    def commit_release(self) -> "_Committed":
        """Read the head, upload what it lacks, commit on top of it; again from a fresh head on 409/412/429/5xx."""
        for attempt in range(1, self.retry.tries + 1):
            head = self.head()
            try:
                tree = remote_tree(self.api, self.plan.repo_id, head)
                if not tree_differences(self.plan, tree):
                    return _Committed(head, "tagged")  # an earlier run committed and stopped before tagging
                operations = self.operations(tree)
                if attempt == 1:  # later tries: create_commit finds the LFS files already on the server
                    self.preupload(operations)
                info = self.api.create_commit(
                    self.plan.repo_id, operations, commit_message=self.plan.commit_message,
                    commit_description=self.plan.commit_description, repo_type="dataset",
                    revision=self.plan.branch, parent_commit=head)
                return _Committed(info.oid, "published")
            except _hub_errors() as exc:
                self.give_up_unless_retryable(f"committing the release to {self.plan.branch}", exc, attempt)
        raise AssertionError("unreachable")  # pragma: no cover - give_up_unless_retryable raises on the last try

    def operations(self, tree: dict[str, tuple[str, str | None]]) -> list:
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete

        local = {f.path for f in self.plan.files}
        ops = [CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(f.local)) for f in self.plan.files]
        ops += [CommitOperationDelete(path_in_repo=p) for p in sorted(tree) if p not in local and p not in HUB_OWN_FILES]
        return ops

    def preupload(self, operations: list) -> None:
        """One file at a time, so progress is reported per file: LFS files are uploaded here, small text files
        are only checked here and travel inside the commit itself."""
        from huggingface_hub import CommitOperationAdd

        by_path = {f.path: f for f in self.plan.files}
        for op in operations:
            if isinstance(op, CommitOperationAdd):
                self.api.preupload_lfs_files(self.plan.repo_id, [op], repo_type="dataset", revision=self.plan.branch,
                                             free_memory=False)
                self.on_upload(by_path[op.path_in_repo])


@dataclass(frozen=True)
class _Committed:
    oid: str
    status: str


def publish_release(plan: PublishPlan, *, private: bool = False, retry: RetryPolicy = RetryPolicy(),
                    on_upload: Callable[[ReleaseFile], None] | None = None,
                    on_retry: Callable[[str], None] | None = None) -> PublishResult:
    """Publish a planned release (see `plan_publish`): repo created if needed, one commit, then the tag."""
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()  # the caller reports progress (on_upload); two sets of bars would interleave
    publisher = Publisher(plan, private=private, retry=retry, on_upload=on_upload, on_retry=on_retry)
    try:
        return publisher.run()
    except DatasetBuilderError:
        raise
    except Exception as exc:  # noqa: BLE001 - an unexpected answer; its text may quote a request, so redact it
        raise PublishError(f"{plan.repo_id}: unexpected failure while publishing ({type(exc).__name__}: "
                           f"{redact(str(exc), publisher.token)}); no tag {plan.tag} was created") from None
