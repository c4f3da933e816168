"""Loading: the release loads offline with `datasets.load_dataset` (into a throwaway cache), giving every split
with the rows its shards hold. The slowest check; `validate_path(check_load=False)` skips it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from ...release.reader import CARD
from ..report import Problem
from ..view import ReleaseView, problem


def loading_problems(view: ReleaseView) -> Iterator[Problem]:
    if not view.release.has(CARD):
        return
    try:
        result = load_offline(view.release.root)
    except Exception as exc:
        chain = [exc]
        while (nxt := chain[-1].__cause__ or chain[-1].__context__) is not None and len(chain) < 5:
            chain.append(nxt)
        why = "; caused by ".join(f"{type(e).__name__}: {str(e).strip()[:300]}" for e in chain)
        yield problem(CARD, f"datasets.load_dataset fails offline: {why}", check="load")
        return
    for split, rows in sorted(result.items()):
        if split in view.split_rows and view.split_fully_read(split) and rows != view.split_rows[split]:
            yield problem(CARD, f"load_dataset gives {rows} rows for {split!r}; the shards hold "
                          f"{view.split_rows[split]}", check="load", field=split)
    for split in sorted(set(view.shards) - set(result)):
        yield problem(CARD, f"load_dataset does not give split {split!r}", check="load", field=split)


@contextlib.contextmanager
def _offline_env():
    """HF_HUB_OFFLINE=1 for code that reads it at call time and for the constants read at import time."""
    import datasets.config as dconfig
    import huggingface_hub.constants as hconst

    saved_env = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")}
    saved = (dconfig.HF_HUB_OFFLINE, hconst.HF_HUB_OFFLINE)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    dconfig.HF_HUB_OFFLINE = True
    hconst.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        dconfig.HF_HUB_OFFLINE, hconst.HF_HUB_OFFLINE = saved
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def load_offline(root: Path) -> dict[str, int]:
    """Load the release folder with `datasets.load_dataset`, offline, into a throwaway cache; rows per split."""
    import datasets
    from datasets.utils import logging as dlogging

    was_enabled = dlogging.is_progress_bar_enabled()
    verbosity = dlogging.get_verbosity()
    dlogging.disable_progress_bar()
    dlogging.set_verbosity(dlogging.CRITICAL)  # its own error lines would repeat ours outside the report
    try:
        with _offline_env(), tempfile.TemporaryDirectory(prefix="dataset-builder-validate-") as cache:
            ds = datasets.load_dataset(str(root), cache_dir=cache)
            return {name: split.num_rows for name, split in ds.items()}
    finally:
        dlogging.set_verbosity(verbosity)
        if was_enabled:
            dlogging.enable_progress_bar()
