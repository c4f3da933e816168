"""The client side of the publish tests, run in a subprocess so that HF_ENDPOINT, HF_HOME and HF_HUB_DISABLE_XET are
set before `huggingface_hub` and `datasets` are imported (both read them at import time).

    python tests/hub_client.py load REPO REVISION [--streaming]   -> {"split": [row, ...], ...} as JSON
    python tests/hub_client.py download REPO REVISION PATH          -> the file's sha256
"""

from __future__ import annotations

import hashlib
import json
import sys


def load(repo: str, revision: str, streaming: bool) -> dict:
    import datasets

    datasets.disable_progress_bars()
    ds = datasets.load_dataset(repo, revision=revision, streaming=streaming)
    return {split: list(rows) if streaming else rows.to_list() for split, rows in ds.items()}


def download(repo: str, revision: str, path: str) -> str:
    from huggingface_hub import hf_hub_download

    local = hf_hub_download(repo, path, repo_type="dataset", revision=revision)
    with open(local, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "load":
        print(json.dumps(load(args[0], args[1], "--streaming" in args), ensure_ascii=False, default=str))
    elif command == "download":
        print(download(*args))
    else:
        sys.exit(f"unknown command {command}")
