"""The datasheet documents of the real seed release, built into a temporary folder by the real build."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dataset_builder.pipeline import run_pipeline
from dataset_builder.build import build_release
from dataset_builder.datasheet import MISSING, card_body, compute_facts, load_answers, questions, write_documents
from dataset_builder.split_assign import SPLITS
from dataset_builder.datasheet.documents import ROOT_MARKER
from tests.conftest import SEED_RELEASE
from tests.test_datasheet import DOCS, REPO, _mlcroissant, _table_after


@pytest.fixture
def seed_release(seed_project: Path):
    result = build_release(seed_project / "dataset.toml")
    warnings = write_documents(result.release_dir, result.config, seed_project / "datasheet.yaml", strict=True)
    return result, warnings


def test_seed_datasheet_is_complete_and_matches_the_build(seed_release):
    result, warnings = seed_release
    assert warnings == []
    text = (result.release_dir / "DATASHEET.md").read_text("utf-8")
    for section in questions():
        for q in section.questions:
            assert q.title in text
    assert text.count(MISSING) == 1  # the introduction's explanation only

    counts = result.manifest["counts"]
    kept = run_pipeline(result.config).kept  # the same documents, held in memory
    rows = _table_after(text, "Documents read:")
    for row, split in zip(rows, SPLITS):
        assert row == [split, str(len(kept[split])), f"{sum(len(d.text) for d in kept[split]):,}"]
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(counts["duplicates_by_kind"].items()) if n)
    assert f"Documents read: {counts['read']}; kept: {counts['kept']}; rejected: {counts['rejected']}; " \
           f"duplicates removed: {counts['duplicates']}{f' ({kinds})' if kinds else ''}." in text
    every = [d for docs in kept.values() for d in docs]
    years = {}
    for d in every:
        year = (d.published_at or "")[:4] or "(unknown)"
        years[year] = years.get(year, 0) + 1
    assert dict((y, int(n)) for y, n in _table_after(text, "range from")) == years
    scripts = {}
    for d in every:
        scripts[d.script] = scripts.get(d.script, 0) + 1
    assert {s: int(n) for s, n in _table_after(text, "Script of the original text")} == scripts


def test_seed_documents_are_listed_in_the_manifest_and_croissant_validates(seed_release):
    result, _ = seed_release
    release = result.release_dir
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    files = {f["path"]: f for f in manifest["files"]}
    for path in ("DATASHEET.md", "croissant.json", "README.md", "plots/length_histogram.svg",
                 "plots/documents_per_year.svg"):
        assert files[path]["sha256"] == hashlib.sha256((release / path).read_bytes()).hexdigest()
    run = subprocess.run([_mlcroissant(), "validate", "--jsonld", "croissant.json"], cwd=release,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr.lower() and "error" not in run.stderr.lower()


def test_seed_documents_regenerate_byte_identically(seed_release, seed_project):
    result, _ = seed_release
    release = result.release_dir
    present = [p for p in DOCS + ("manifest.json",) if (release / p).exists()]
    before = {p: (release / p).read_bytes() for p in present}
    write_documents(release, result.config, seed_project / "datasheet.yaml")
    assert before == {p: (release / p).read_bytes() for p in present}


def test_seed_card_body_carries_the_answers(seed_release, seed_project):
    result, _ = seed_release
    body = card_body(result.release_dir, result.config, seed_project / "datasheet.yaml")
    answers = load_answers(seed_project / "datasheet.yaml")
    for key in (("uses", "not_for"), ("distribution", "license"), ("composition", "identify_individuals")):
        assert " ".join(answers.get(*key).split()) in " ".join(body.split())
    facts = compute_facts(result.release_dir)
    assert f"**{facts.kept}**" in body


def test_document_release_regenerates_an_existing_release_without_rebuilding(seed_project):
    """What `dataset-builder datasheet PATH` does: from the Parquet files and manifest alone, the documents
    come back byte for byte, the card keeps its YAML and gets the body, and the manifest lists them."""
    from dataset_builder.datasheet import document_release, root_datasheet

    result = build_release(seed_project / "dataset.toml")
    release = result.release_dir
    front_matter = (release / "README.md").read_text("utf-8").split("\n---\n", 1)[0]
    assert document_release(release, result.config, strict=True) == []
    first = {p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}
    card = first["README.md"].decode("utf-8")
    assert card.split("\n---\n", 1)[0] == front_matter
    assert "## Dataset Card Contact" in card and "## Bias, Risks, and Limitations" in card

    for name in ("DATASHEET.md", "croissant.json"):
        (release / name).write_text("stale", encoding="utf-8")
    (release / "README.md").write_text(front_matter + "\n---\n\nstale body\n", encoding="utf-8")
    for svg in (release / "plots").glob("*.svg"):
        svg.unlink()
    document_release(release, result.config)
    again = {p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}
    assert again == first

    manifest = json.loads(first["manifest.json"])
    assert {f["path"] for f in manifest["files"]} == set(first) - {"manifest.json"}
    assert all(f["sha256"] == hashlib.sha256(first[f["path"]]).hexdigest() for f in manifest["files"])

    root = root_datasheet(release, result.config).removeprefix(ROOT_MARKER + "\n\n")
    assert f"]({SEED_RELEASE}/plots/length_histogram.svg)" in root
    assert root.replace(f"{SEED_RELEASE}/plots/", "plots/") == first["DATASHEET.md"].decode("utf-8")


def _committed_seed_release() -> Path:
    from dataset_builder.config import load_config

    return load_config(REPO / "dataset.toml").release_dir


@pytest.mark.skipif(not (_committed_seed_release() / "croissant.json").exists(),
                    reason="the committed seed release has no datasheet documents yet (build not wired)")
def test_committed_seed_release_documents_are_fresh(tmp_path):
    """CI fails when the committed seed release's documents are stale (datasheet.yaml, the renderer or the
    data changed without regenerating them)."""
    from dataset_builder.config import load_config
    from dataset_builder.datasheet import document_release

    copy = tmp_path / "release"
    shutil.copytree(_committed_seed_release(), copy)
    document_release(copy, load_config(REPO / "dataset.toml"), REPO / "datasheet.yaml", strict=True)
    committed = _committed_seed_release()
    for path in sorted(p for p in copy.rglob("*") if p.is_file()):
        rel = path.relative_to(copy)
        assert path.read_bytes() == (committed / rel).read_bytes(), f"{rel} is stale: run dataset-builder datasheet"
