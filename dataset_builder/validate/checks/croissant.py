"""croissant.json (when the release has one): valid JSON, every FileObject a file of the release (never a path
outside it) with the sha256 and contentSize it states."""

from __future__ import annotations

import json
import re
from typing import Iterator

from ...release.reader import CROISSANT
from ..containment import outside_release
from ..report import Problem
from ..view import ReleaseView, problem


def croissant_problems(view: ReleaseView) -> Iterator[Problem]:
    if not view.release.has(CROISSANT):
        return
    try:
        data = json.loads(view.release.read_text(CROISSANT))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield problem(CROISSANT, f"not valid JSON: {exc}", line=getattr(exc, "lineno", None), check="croissant")
        return
    dist = data.get("distribution") if isinstance(data, dict) else None
    if not isinstance(dist, list):
        yield problem(CROISSANT, "no distribution list", field="distribution", check="croissant")
        return
    for k, obj in enumerate(dist):
        if not isinstance(obj, dict) or obj.get("@type") not in ("cr:FileObject", "FileObject"):
            continue
        url = obj.get("contentUrl")
        if not isinstance(url, str) or "://" in url:
            continue
        yield from _file_object_problems(view, k, obj, url)


def _file_object_problems(view: ReleaseView, k: int, obj: dict, url: str) -> Iterator[Problem]:
    if why := outside_release(view.release.root, url):
        yield problem(CROISSANT, f"FileObject {url!r} {why}; it is not opened", field=f"distribution[{k}].contentUrl",
                      check="croissant")
        return
    if not view.release.has(url):
        yield problem(CROISSANT, f"FileObject {url!r} is not in the release", field=f"distribution[{k}].contentUrl",
                      check="croissant")
        return
    if "sha256" in obj and obj["sha256"] != view.release.sha256(url):
        yield problem(CROISSANT, f"sha256 of {url} does not match the file", field=f"distribution[{k}].sha256",
                      check="croissant")
    size = obj.get("contentSize")
    m = re.fullmatch(r"\s*(\d+)\s*B\s*", size) if isinstance(size, str) else None
    if m and int(m.group(1)) != view.release.size(url):
        yield problem(CROISSANT, f"contentSize {size!r} of {url}, the file has {view.release.size(url)} bytes",
                      field=f"distribution[{k}].contentSize", check="croissant")
