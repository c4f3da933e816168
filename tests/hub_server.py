"""A Hub-compatible HTTP server on loopback for the publish tests (standard library only, state in memory).

It implements the part of the Hugging Face Hub API that `huggingface_hub` 2.4 (HfApi, hf_hub_download,
HfFileSystem) and `datasets` 5.2 (`load_dataset(repo, revision=...)`) call, read from their sources:

- POST /api/repos/create; GET /api/datasets/{repo}[/revision/{rev}] (revision info: sha, siblings, cardData)
- POST /api/validate-yaml; POST /api/datasets/{repo}/preupload/{rev}
- POST /datasets/{repo}.git/info/lfs/objects/batch, PUT the object to the given href, POST the verify href
- POST /api/datasets/{repo}/commit/{rev} (NDJSON: header with parentCommit, file, lfsFile, deletedFile/Folder);
  a parentCommit that is not the branch head answers 412, like the Hub
- GET /api/datasets/{repo}/refs; POST /api/datasets/{repo}/tag/{rev}; POST /api/datasets/{repo}/branch/{name}
- GET /api/datasets/{repo}/tree/{rev}[/{path}]; POST /api/datasets/{repo}/paths-info/{rev}
- HEAD/GET /datasets/{repo}/resolve/{rev}/{path} with X-Repo-Commit, ETag / X-Linked-Etag, X-Linked-Size and
  byte ranges (206)
Not-found answers carry X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound) as the clients expect.

Faults for tests: `refuse_commits` (answer the next N commits with `refuse_status`), `before_commit` (a hook run
just before a commit is applied: a concurrent writer), `error_body_extra` (text an error body echoes back).
Every request is recorded in `requests` as (method, path); byte-range reads are counted in `range_requests`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from .hub_repos import (LFS_SIZE, LFS_SUFFIXES, Commit, HubError, HubState, Repo, entry_json, folders_of, lfs_blob,
                        regular_blob)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "HubServer"

    def log_message(self, format, *args):  # quiet: pytest shows failures, not access logs
        pass

    # -- plumbing ------------------------------------------------------------------------------------------
    def body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send(self, status: int, payload=None, headers: dict | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        self.send_response(status)
        if raw is None:
            self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def authorized(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.server.state.token}"

    def handle_any(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/")[1:]]
        query = parse_qs(url.query)
        body = self.body() if self.command in ("POST", "PUT") else b""
        with state.lock:
            state.requests.append((self.command, url.path))
        try:
            self.route(parts, query, body)
        except HubError as exc:
            headers = {"X-Error-Message": exc.message}
            if exc.code:
                headers["X-Error-Code"] = exc.code
            if exc.status in (409, 412, 429) or exc.status >= 500:
                headers["Retry-After"] = "0"  # tests stay quick; the client must honour it
            self.send(exc.status, {"error": exc.message + state.error_body_extra, **exc.extra}, headers)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any

    # -- routes --------------------------------------------------------------------------------------------
    def route(self, parts: list[str], query: dict, body: bytes) -> None:
        state = self.server.state
        method = self.command
        if parts[:3] == ["api", "repos", "create"] and method == "POST":
            return self.create_repo(json.loads(body))
        if parts[:2] == ["api", "validate-yaml"] and method == "POST":
            return self.validate_yaml(json.loads(body))
        if parts[:1] == ["lfs-upload"] and method == "PUT":
            return self.lfs_put(parts[1], body)
        if parts[:1] == ["lfs-verify"] and method == "POST":
            return self.lfs_verify(json.loads(body))
        if parts[:2] == ["api", "datasets"] and len(parts) >= 4:
            repo_id, rest = "/".join(parts[2:4]), parts[4:]
            with state.lock:
                return self.api_dataset(state.repo(repo_id), rest, query, body)
        if parts[:1] == ["datasets"] and len(parts) >= 3:
            if parts[2].endswith(".git") and parts[3:] == ["info", "lfs", "objects", "batch"]:
                return self.lfs_batch(state.repo(f"{parts[1]}/{parts[2][:-4]}"), json.loads(body))
            if len(parts) >= 6 and parts[3] == "resolve":
                with state.lock:
                    repo = state.repo(f"{parts[1]}/{parts[2]}")
                    commit = state.commit_at(repo, parts[4])
                return self.resolve(commit, "/".join(parts[5:]))
        raise HubError(404, f"no route for {method} {self.path}")

    def require_auth(self) -> None:
        if not self.authorized():
            raise HubError(401, "Invalid credentials in Authorization header")

    def create_repo(self, payload: dict) -> None:
        self.require_auth()
        state = self.server.state
        repo_id = f"{payload['organization']}/{payload['name']}"
        if payload.get("type") != "dataset":
            raise HubError(400, "this test server holds dataset repos only")
        with state.lock:
            if repo_id in state.repos:
                raise HubError(409, "You already created this dataset repo", url=f"{state.endpoint}/datasets/{repo_id}")
            state.create_repo(repo_id, payload.get("visibility") == "private" or bool(payload.get("private")))
        self.send(200, {"url": f"{state.endpoint}/datasets/{repo_id}", "name": repo_id})

    def validate_yaml(self, payload: dict) -> None:
        content = payload["content"]
        errors = []
        if content.startswith("---"):
            front, sep, _ = content[3:].partition("\n---")
            try:
                if sep and not isinstance(yaml.safe_load(front) or {}, dict):
                    errors.append({"message": "metadata is not a mapping"})
            except yaml.YAMLError as exc:
                errors.append({"message": f"invalid YAML: {exc}"})
        self.send(400 if errors else 200, {"errors": errors, "warnings": []})

    def api_dataset(self, repo: Repo, rest: list[str], query: dict, body: bytes) -> None:
        state = self.server.state
        if repo.private and not self.authorized():
            raise HubError(404, "Repository not found", "RepoNotFound")
        head, args = (rest[0], rest[1:]) if rest else ("", [])
        if head == "" or (head == "revision" and args):
            return self.revision_info(repo, state.commit_at(repo, args[0] if args else "main"))
        if head == "refs":
            refs = lambda d, kind: [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": c} for n, c in sorted(d.items())]
            return self.send(200, {"branches": refs(repo.branches, "heads"), "tags": refs(repo.tags, "tags"),
                                   "converts": [], "pullRequests": []})
        if head == "tree" and args:
            return self.tree(state.commit_at(repo, args[0]), "/".join(args[1:]), query)
        if head == "paths-info" and args:
            form = parse_qs(body.decode())
            return self.paths_info(state.commit_at(repo, args[0]), form.get("paths", []),
                                   form.get("expand", ["false"])[0].lower() == "true")
        self.require_auth()
        if head == "preupload" and args:
            return self.preupload(state.commit_at(repo, args[0]), json.loads(body))
        if head == "commit" and args:
            return self.commit(repo, args[0], body)
        if head == "tag" and args:
            return self.tag(repo, args[0], json.loads(body))
        if head == "branch" and args:
            payload = json.loads(body) if body else {}
            return self.branch(repo, args[0], payload.get("startingPoint") or "main")
        raise HubError(404, f"no route for {self.command} {self.path}")

    def revision_info(self, repo: Repo, commit: Commit) -> None:
        card = None
        readme = commit.files.get("README.md")
        if readme is not None and readme.content is not None and readme.content.startswith(b"---"):
            front = readme.content.decode()[3:].split("\n---", 1)[0]
            card = yaml.safe_load(front)
        self.send(200, {"_id": repo.repo_id, "id": repo.repo_id, "author": repo.repo_id.split("/")[0],
                        "sha": commit.oid, "private": repo.private, "disabled": False, "gated": False,
                        "lastModified": commit.date, "tags": [], "downloads": 0, "likes": 0, "cardData": card,
                        "siblings": [{"rfilename": p} for p in sorted(commit.files)]})

    def tree(self, commit: Commit, prefix: str, query: dict) -> None:
        recursive = query.get("recursive", ["false"])[0].lower() == "true"
        expand = query.get("expand", ["false"])[0].lower() == "true"
        base = f"{prefix}/" if prefix else ""
        folders = folders_of(commit.files)
        if prefix and prefix not in folders:
            raise HubError(404, f"{prefix} does not exist", "EntryNotFound")
        out = []
        for folder in sorted(folders):
            rel = folder[len(base):]
            if folder.startswith(base) and rel and (recursive or "/" not in rel):
                out.append({"type": "directory", "oid": hashlib.sha1(folder.encode()).hexdigest(), "size": 0,
                            "path": folder})
        for path, blob in sorted(commit.files.items()):
            rel = path[len(base):]
            if path.startswith(base) and (recursive or "/" not in rel):
                out.append(entry_json(path, blob, commit, expand))
        self.send(200, out)

    def paths_info(self, commit: Commit, paths: list[str], expand: bool) -> None:
        folders = folders_of(commit.files)
        out = []
        for path in paths:
            path = path.strip("/")
            if path in commit.files:
                out.append(entry_json(path, commit.files[path], commit, expand))
            elif path in folders or path == "":
                out.append({"type": "directory", "oid": hashlib.sha1(path.encode()).hexdigest(), "size": 0,
                            "path": path})
        self.send(200, out)

    def preupload(self, commit: Commit, payload: dict) -> None:
        files = []
        for f in payload["files"]:
            sample = base64.b64decode(f["sample"])
            lfs = f["path"].endswith(LFS_SUFFIXES) or f["size"] >= LFS_SIZE or b"\0" in sample
            existing = commit.files.get(f["path"])
            oid = None
            if existing is not None:
                oid = existing.sha256 if lfs else (existing.oid if existing.sha256 is None else None)
            files.append({"path": f["path"], "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False,
                          "oid": oid})
        self.send(200, {"files": files, "commitOid": commit.oid})

    def lfs_batch(self, repo: Repo, payload: dict) -> None:
        self.require_auth()
        state = self.server.state
        objects = []
        for obj in payload["objects"]:
            entry = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in state.lfs:
                entry["actions"] = {"upload": {"href": f"{state.endpoint}/lfs-upload/{obj['oid']}"},
                                    "verify": {"href": f"{state.endpoint}/lfs-verify/{obj['oid']}"}}
            objects.append(entry)
        self.send(200, {"transfer": "basic", "objects": objects}, {"Content-Type": "application/vnd.git-lfs+json"})

    def lfs_put(self, oid: str, body: bytes) -> None:
        if hashlib.sha256(body).hexdigest() != oid:
            raise HubError(400, "uploaded content does not match its oid")
        with self.server.state.lock:
            self.server.state.lfs[oid] = body
        self.send(200, {})

    def lfs_verify(self, payload: dict) -> None:
        data = self.server.state.lfs.get(payload["oid"])
        if data is None or len(data) != payload["size"]:
            raise HubError(404, f"object {payload['oid']} not uploaded")
        self.send(200, {})

    def commit(self, repo: Repo, branch: str, body: bytes) -> None:
        state = self.server.state
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        header = lines[0]["value"]
        if state.refuse_commits > 0:
            state.refuse_commits -= 1
            raise HubError(state.refuse_status, "commit refused by the test server")
        if state.before_commit is not None:
            hook, state.before_commit = state.before_commit, None
            hook(state, repo)
        head = repo.branches.get(branch)
        if head is None:
            raise HubError(404, f"Invalid rev id: {branch}", "RevisionNotFound")
        parent = header.get("parentCommit")
        if parent is not None and parent != head:
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
        files = dict(repo.commits[head].files)
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            if key == "file":
                files[value["path"]] = regular_blob(base64.b64decode(value["content"]))
            elif key == "lfsFile":
                data = state.lfs.get(value["oid"])
                if data is None:
                    raise HubError(422, f"LFS object {value['oid']} was never uploaded")
                files[value["path"]] = lfs_blob(value["oid"], len(data))
            elif key == "deletedFile":
                if files.pop(value["path"], None) is None:
                    raise HubError(404, "A file with this name doesn't exist", "EntryNotFound")
            elif key == "deletedFolder":
                for path in [p for p in files if p.startswith(value["path"].rstrip("/") + "/")]:
                    del files[path]
            else:
                raise HubError(400, f"unknown commit operation {key}")
        commit = state.new_commit(repo, head, header["summary"], files)
        repo.branches[branch] = commit.oid
        self.send(200, {"commitUrl": f"{state.endpoint}/datasets/{repo.repo_id}/commit/{commit.oid}",
                        "commitOid": commit.oid, "success": True})

    def tag(self, repo: Repo, revision: str, payload: dict) -> None:
        commit = self.server.state.commit_at(repo, revision)
        if payload["tag"] in repo.tags or payload["tag"] in repo.branches:
            raise HubError(409, f"Tag {payload['tag']} already exists")
        repo.tags[payload["tag"]] = commit.oid
        self.send(200, {})

    def branch(self, repo: Repo, name: str, start: str) -> None:
        if name in repo.branches:
            raise HubError(409, f"Branch {name} already exists")
        repo.branches[name] = self.server.state.commit_at(repo, start).oid
        self.send(200, {})

    def resolve(self, commit: Commit, path: str) -> None:
        blob = commit.files.get(path)
        if blob is None:
            raise HubError(404, f"Entry not found: {path}", "EntryNotFound")
        data = blob.content if blob.content is not None else self.server.state.lfs[blob.sha256]
        etag = blob.sha256 or blob.oid
        headers = {"X-Repo-Commit": commit.oid, "ETag": f'"{etag}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        if blob.sha256 is not None:
            headers.update({"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(blob.size)})
        status, span = 200, data
        wanted = self.headers.get("Range")
        if wanted and wanted.startswith("bytes="):
            self.server.state.range_requests += 1
            first, _, last = wanted[6:].split(",")[0].partition("-")
            if first == "":
                start, end = max(0, len(data) - int(last)), len(data) - 1
            else:
                start, end = int(first), min(int(last) if last else len(data) - 1, len(data) - 1)
            if start >= len(data) and len(data) > 0:
                return self.send(416, raw=b"", headers={"Content-Range": f"bytes */{len(data)}"})
            status, span = 206, data[start:end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        self.send(status, raw=span, headers=headers)


class HubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token: str):
        super().__init__(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self.state = HubState(token, self.endpoint)
        self._thread = threading.Thread(target=self.serve_forever, name="hub-test-server", daemon=True)

    def __enter__(self) -> "HubServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
