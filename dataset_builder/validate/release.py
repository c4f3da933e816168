"""Checks of a release folder `dist/<name>/<version>/` against the release layout.

The release is read through `release.reader.Release` into a `ReleaseView`; then each family of checks
(validate/checks/) is a function from the view to the problems it finds. Nothing raises for a broken release.
The families, in order: layout and file names; rows (every shard streamed once: readable, one Arrow schema, every
row against the row schema, num_chars and text_sha256 consistent with the text; ids unique across the release;
rejected/ and duplicates/); the manifest (schema, files, hashes, sizes, counts adding up and matching the data);
the card's YAML (configs, splits, num_examples, num_bytes, sizes, features, Hub vocabularies); the markup of the
card and datasheet; the datasheet; croissant.json; and loading with `datasets`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from ..release.reader import Release
from .checks.build_inputs import build_input_problems
from .checks.card import card_problems
from .checks.croissant import croissant_problems
from .checks.datasheet import datasheet_problems
from .checks.layout import layout_problems, link_check
from .checks.leakage import leakage_problems
from .checks.loading import loading_problems
from .checks.manifest import manifest_problems
from .checks.markup import markup_problems
from .checks.rows import shard_problems, side_table_problems, unique_id_problems
from .report import Problem, Report
from .view import MAX_PER_KIND, ReleaseView

# name -> check, in the order they run: the rows checks fill the view the later ones read.
CHECKS: dict[str, Callable[[ReleaseView], Iterable[Problem]]] = {
    "layout": layout_problems,
    "shards": shard_problems,
    "unique_ids": unique_id_problems,
    "side_tables": side_table_problems,
    "manifest": manifest_problems,
    "card": card_problems,
    "markup": markup_problems,
    "datasheet": datasheet_problems,
    "croissant": croissant_problems,
    "build": build_input_problems,
    "leakage": leakage_problems,
    "loads": loading_problems,
}


class _CappedReport:
    """Adds problems to a report; past `max_per_kind` row problems of one kind in one file (the same field,
    check and kind), the rest are only counted, so a column broken in a million rows gives twenty lines and a
    count."""

    def __init__(self, report: Report, max_per_kind: int):
        self.report = report
        self.max_per_kind = max_per_kind
        self.counts: Counter = Counter()

    def add(self, p: Problem) -> None:
        if p.row is not None and self.max_per_kind:
            base_field = re.sub(r"\[\d+\]", "[]", p.field or "")
            key = f"{p.file}|{p.check}|{base_field}|{p.kind}"
            self.counts[key] += 1
            if self.counts[key] > self.max_per_kind:
                label = f"{p.file}: {base_field or '(row)'}: {p.kind or p.check}"
                self.report.suppressed[label] = self.report.suppressed.get(label, 0) + 1
                return
        self.report.add(p)


def check_release(root: Path, report: Report, strict: bool = False, check_load: bool = True,
                  max_per_kind: int = MAX_PER_KIND, skip: frozenset[str] = frozenset()) -> ReleaseView:
    """Run every check on the release folder `root` (but those named in `skip`, and "loads" without
    `check_load`), adding what they find to `report`; returns the view."""
    started = time.perf_counter()
    view = ReleaseView(Release(root), strict=strict, max_per_kind=max_per_kind)
    out = _CappedReport(report, max_per_kind)
    links = link_check(view)
    for p in links:
        out.add(p)
    skip = skip if check_load else skip | {"loads"}
    names = [] if links else [n for n in CHECKS if n not in skip]  # a link may lead outside: stop
    for name in names:
        try:
            for p in CHECKS[name](view):
                out.add(p)
        except Exception as exc:  # a bug of ours, or a release broken in a way nobody foresaw: still report
            out.add(Problem("", f"the {name} check could not finish: {type(exc).__name__}: {exc}", check=name))
    for label, hidden in view.unreported.items():
        report.suppressed[label] = report.suppressed.get(label, 0) + hidden
    report.stats.update(
        rows_checked=view.rows_checked,
        invalid_rows=view.invalid_rows,
        files_checked=len(view.files) if names else 0,
        splits={k: view.split_rows.get(k, 0) for k in sorted(set(view.split_rows) | set(view.shards))},
        seconds=round(time.perf_counter() - started, 3),
    )
    return view
