"""Issue 13, writing: nothing is written outside the release and the project's DATASHEET.md, no release that
`validate` rejects is ever published, and faults (full disk, crashes, concurrent builds) leave the previous
state or a clear error naming the path."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset_builder.build import build_release
from dataset_builder.errors import InvalidReleaseError
from dataset_builder.release.placement import release_lock
from dataset_builder.validate import validate_path
from dataset_builder.datasheet.documents import ROOT_MARKER

from .hostile_helpers import article, changed, jsonl_lines, playground

JSONL = '[[inputs]]\npath = "in"\nformat = "jsonl"\n'
TXT = '[[inputs]]\npath = "in"\nformat = "txt"\n'


@pytest.fixture
def ground(tmp_path):
    g = playground(tmp_path)
    g.write("in/a.jsonl", jsonl_lines(12))
    return g


def _only_release_and_datasheet_changed(ground, before) -> None:
    allowed = ("project/dist/demo/1.0.0", "project/dist/demo", "project/dist", "project/DATASHEET.md")
    assert {p for p in changed(before, ground.state()) if not p.startswith(allowed)} == set()


# -- the root DATASHEET.md and plots/ -----------------------------------------------------------------------------

def test_a_symlinked_root_datasheet_is_never_written_through(ground):
    target = ground.outside / "DATASHEET.md"
    target.write_text("someone else's file\n", encoding="utf-8")
    os.symlink(target, ground.project / "DATASHEET.md")
    ground.config(JSONL)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "DATASHEET.md", "symbolic link")
    assert changed(before, ground.state()) == set()  # no release published either: it is checked first


def test_the_datasheet_command_refuses_a_symlinked_plots_folder(ground):
    ground.config(JSONL)
    assert ground.build().code == 0
    (ground.outside / "plots").mkdir()
    (ground.outside / "plots" / "keep.svg").write_text("<svg/>", encoding="utf-8")
    plots = ground.release / "plots"
    if plots.exists():
        import shutil
        shutil.rmtree(plots)
    os.symlink(ground.outside / "plots", plots)
    before = ground.state()
    run = ground.cli("datasheet", str(ground.release), "--config", str(ground.project / "dataset.toml"))
    ground.fails_cleanly(run, "plots", "symbolic link")
    assert changed(before, ground.state()) == set()
    report = validate_path(ground.release, check_load=False)
    assert any(p.file.endswith("/plots") and "symbolic link" in p.message for p in report.problems)


def test_a_full_disk_while_writing_the_root_datasheet_keeps_it_and_publishes_nothing(ground, monkeypatch):
    ground.config(JSONL)
    (ground.project / "DATASHEET.md").write_text(ROOT_MARKER + "\n\nthe previous datasheet\n", encoding="utf-8")
    import dataset_builder.release.placement as placement

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(placement.os, "fsync", no_space)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "DATASHEET.md", "No space left on device")
    assert changed(before, ground.state()) == set()


# -- clean's outputs ----------------------------------------------------------------------------------------------

def test_clean_refuses_an_output_that_is_its_input(ground):
    source = ground.project / "in" / "a.jsonl"
    before = ground.state()
    ground.fails_cleanly(ground.cli("clean", str(source), "-o", str(source)), "a.jsonl", "replace")
    assert changed(before, ground.state()) == set()


def test_clean_refuses_an_output_that_is_the_rejected_file(ground):
    source = ground.project / "in" / "a.jsonl"
    out = ground.project / "out.jsonl"
    before = ground.state()
    ground.fails_cleanly(ground.cli("clean", str(source), "-o", str(out), "--rejected", str(out)),
                         "out.jsonl", "same file")
    assert changed(before, ground.state()) == set()


# -- releases validate would reject are never published ----------------------------------------------------------

def test_an_id_over_256_characters_is_an_input_error_naming_line_and_field(ground):
    ground.write("in/a.jsonl", jsonl_lines(2) + json.dumps({"id": "x" * 300, "text": article(9)}) + "\n")
    ground.config(JSONL)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "in/a.jsonl:3", "field 'id'", "300 characters")
    assert changed(before, ground.state()) == set()


@pytest.mark.parametrize("name", ["two words.txt", "line\nbreak.txt"])
def test_a_txt_name_that_gives_an_invalid_id_is_an_error_naming_the_file(tmp_path, name):
    ground = playground(tmp_path)
    ground.write("in/a.txt", article(1))
    ground.write(f"in/{name}", article(2))
    ground.config(TXT)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "id taken from the file name", "white space")
    assert changed(before, ground.state()) == set()


@pytest.mark.parametrize("declared", ["relative", "absolute"])
def test_inputs_outside_the_project_are_recorded_in_a_form_validate_accepts(ground, declared):
    (ground.outside / "data.jsonl").write_text(jsonl_lines(8), encoding="utf-8")
    path = "../outside/data.jsonl" if declared == "relative" else str(ground.outside / "data.jsonl")
    ground.config(f'[[inputs]]\npath = "{path}"\nformat = "jsonl"\n')
    before = ground.state()
    assert ground.build().code == 0
    manifest = json.loads((ground.release / "manifest.json").read_text("utf-8"))
    assert [i["path"] for i in manifest["inputs"]] == [path]
    assert validate_path(ground.release).ok
    _only_release_and_datasheet_changed(ground, before)


def test_a_release_failing_validation_is_never_renamed_into_place(ground, monkeypatch):
    import dataset_builder.build as build_module

    real = build_module.write_release

    def write_and_corrupt(config, result, folder):
        out = real(config, result, folder)
        (folder / "data" / "stray.txt").write_text("not listed in the manifest", encoding="utf-8")
        return out

    monkeypatch.setattr(build_module, "write_release", write_and_corrupt)
    config = ground.config(JSONL)
    before = ground.state()
    with pytest.raises(InvalidReleaseError, match=r"1\.0\.0/data/stray\.txt: .*not in manifest.json"):
        build_release(config)
    assert changed(before, ground.state()) - {"project/dist", "project/dist/demo"} == set()
    assert not ground.release.exists()


# -- zero kept documents -----------------------------------------------------------------------------------------

def test_a_glob_matching_nothing_is_an_error_not_an_empty_release(ground):
    ground.config(JSONL + 'glob = "*.jsnl"\n')
    before = ground.state()
    ground.fails_cleanly(ground.build(), "no document was kept", "no file matched")
    assert changed(before, ground.state()) == set()


def test_thresholds_rejecting_everything_are_an_error_naming_the_reason(ground):
    ground.config(JSONL, extra="[filter]\nmin_chars = 100000\n")
    before = ground.state()
    ground.fails_cleanly(ground.build(), "no document was kept", "in/a.jsonl (12)", "12 rejected: too_short")
    assert changed(before, ground.state()) == set()


def test_a_zero_row_parquet_is_an_error_not_an_empty_release(ground):
    (ground.project / "in" / "a.jsonl").unlink()
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}),
                   ground.project / "in" / "empty.parquet")
    ground.config('[[inputs]]\npath = "in"\nformat = "parquet"\n')
    ground.fails_cleanly(ground.build(), "no document was kept", "in/empty.parquet (0)")


# -- faults: --force, crashes, concurrent builds, full or read-only disks ------------------------------------------

def _two_versions(ground):
    """A built release, and a config whose build differs from it."""
    ground.config(JSONL)
    assert ground.build().code == 0
    ground.write("in/b.jsonl", jsonl_lines(3, start=50))
    return {p.relative_to(ground.release).as_posix(): p.read_bytes() for p in ground.release.rglob("*") if p.is_file()}


def test_force_rolls_back_when_the_new_release_cannot_be_renamed_in(ground, monkeypatch):
    old = _two_versions(ground)
    import dataset_builder.release.placement as placement

    real_rename = os.rename
    calls = []

    def second_rename_fails(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_rename(src, dst)

    monkeypatch.setattr(placement.os, "rename", second_rename_fails)
    ground.fails_cleanly(ground.build("--force"), "1.0.0", "Input/output error")
    now = {p.relative_to(ground.release).as_posix(): p.read_bytes() for p in ground.release.rglob("*") if p.is_file()}
    assert now == old
    assert [p.name for p in (ground.project / "dist" / "demo").iterdir()] == ["1.0.0"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporaries_of_killed_builds_are_cleaned_and_a_retired_release_restored(ground):
    old = _two_versions(ground)
    demo = ground.project / "dist" / "demo"
    pid = _dead_pid()
    (demo / f".1.0.0.tmp-{pid}" / "demo" / "1.0.0").mkdir(parents=True)  # kill -9 while writing
    os.rename(ground.release, demo / f".1.0.0.old-{pid}")  # kill -9 between the two renames of --force
    run = ground.build()  # the new inputs differ: without --force this must refuse, after restoring
    assert run.code == 1 and "already released" in run.output
    now = {p.relative_to(ground.release).as_posix(): p.read_bytes() for p in ground.release.rglob("*") if p.is_file()}
    assert now == old
    assert sorted(p.name for p in demo.iterdir()) == ["1.0.0"]


def test_a_concurrent_build_of_the_same_version_fails_naming_the_lock(ground):
    ground.config(JSONL)
    (ground.project / "dist" / "demo").mkdir(parents=True)
    with release_lock(ground.release):
        before = ground.state()
        ground.fails_cleanly(ground.build(), "another build of this version is running", ".1.0.0.lock")
        assert changed(before, ground.state()) == set()
    assert ground.build().code == 0


@pytest.mark.parametrize("code, why", [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")])
def test_disk_full_or_read_only_output_is_an_error_naming_the_path(ground, monkeypatch, code, why):
    import dataset_builder.release.writer as writer

    real = writer._write_text

    def failing(release_dir, name, text):
        raise OSError(code, why, str(release_dir / name))

    monkeypatch.setattr(writer, "_write_text", failing)
    ground.config(JSONL)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "README.md", why, "nothing was published")
    assert changed(before, ground.state()) - {"project/dist", "project/dist/demo"} == set()
    assert not ground.release.exists()
    assert real is not failing


def test_sigterm_during_a_build_leaves_no_temporary(tmp_path):
    ground = playground(tmp_path)
    ground.write("in/a.jsonl", jsonl_lines(4000))
    ground.config(JSONL)
    exe = os.path.join(os.path.dirname(sys.executable), "dataset-builder")
    proc = subprocess.Popen([exe, "build", "--config", str(ground.project / "dataset.toml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    demo = ground.project / "dist" / "demo"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if demo.is_dir() and any(p.name.startswith(".1.0.0.tmp-") for p in demo.iterdir()):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert not demo.exists()  # neither a temporary nor the folders the build created


def test_a_folder_where_the_root_datasheet_goes_is_an_error_before_publishing(ground):
    ground.config(JSONL)
    (ground.project / "DATASHEET.md").mkdir()
    before = ground.state()
    ground.fails_cleanly(ground.build(), "DATASHEET.md", "not a regular file")
    assert changed(before, ground.state()) == set()


@pytest.mark.parametrize("obstacle", ["output_dir", "name"])
def test_a_file_where_the_release_folders_go_is_an_error_naming_it(ground, obstacle):
    if obstacle == "output_dir":
        ground.config(JSONL, extra='output_dir = "out"\n')
        ground.write("out", "a file, not a folder")
        named = "out/demo"
    else:
        ground.config(JSONL)
        ground.write("dist/demo", "a file, not a folder")
        named = "dist/demo"
    before = ground.state()
    ground.fails_cleanly(ground.build(), named, "cannot write the release", "nothing was published")
    assert changed(before, ground.state()) == set()


def test_a_pipe_in_an_input_folder_is_an_error_not_a_hang(ground):
    os.mkfifo(ground.project / "in" / "b.jsonl")
    ground.config(JSONL)
    ground.fails_cleanly(ground.build(), "in/b.jsonl", "not a regular file")
