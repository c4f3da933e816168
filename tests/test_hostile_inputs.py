"""Issue 13, reading: hostile inputs never lose a document silently and nothing is read but the declared inputs.

Each case asserts the exit code, that the message names the file (and line or field), and that nothing on disk
changed: a failed build leaves no release, no temporary and no change outside the project."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
import zstandard

from dataset_builder.build import build_release

from .hostile_helpers import article, changed, jsonl_lines, playground

JSONL = '[[inputs]]\npath = "in"\nformat = "jsonl"\n'
TXT = '[[inputs]]\npath = "in"\nformat = "txt"\n'


@pytest.fixture
def ground(tmp_path):
    return playground(tmp_path)


def _zst(text: str) -> bytes:
    return zstandard.ZstdCompressor().compress(text.encode("utf-8"))


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_jsonl_zst_is_an_error_not_a_shorter_release(ground, cut):
    data = _zst(jsonl_lines(10))
    ground.write("in/part.jsonl.zst", data[: int(len(data) * cut)])
    ground.config(JSONL)
    before = ground.state()
    run = ground.build()
    ground.fails_cleanly(run, "in/part.jsonl.zst", "truncated")
    assert changed(before, ground.state()) == set()


def test_truncated_jsonl_zst_in_clean_writes_no_output(ground):
    data = _zst(jsonl_lines(10))
    source = ground.write("part.jsonl.zst", data[: len(data) - 7])
    before = ground.state()
    run = ground.cli("clean", str(source), "-o", str(ground.project / "out.jsonl"))
    ground.fails_cleanly(run, "part.jsonl.zst", "truncated")
    assert changed(before, ground.state()) == set()


def test_a_complete_multi_frame_zst_reads_every_document(ground):
    ground.write("in/part.jsonl.zst", _zst(jsonl_lines(4)) + _zst(jsonl_lines(6, start=4)))
    ground.config(JSONL)
    assert ground.build().code == 0
    manifest = json.loads((ground.release / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["read"] == 10 == manifest["inputs"][0]["documents"]


@pytest.mark.parametrize("data", [b"", b"plain text, not zstd\n" * 3], ids=["empty", "not-zstd"])
def test_a_zst_file_that_is_not_zstd_is_an_error_naming_it(ground, data):
    ground.write("in/part.jsonl.zst", data)
    ground.config(JSONL)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "in/part.jsonl.zst", "zstd")
    assert changed(before, ground.state()) == set()


def test_invalid_utf8_in_jsonl_is_reported_at_its_own_line(ground):
    lines = jsonl_lines(5).encode("utf-8").split(b"\n")
    lines[2] = lines[2].replace("通知".encode("utf-8"), b"\xff\xfe", 1)
    ground.write("in/a.jsonl", b"\n".join(lines))
    ground.config(JSONL)
    run = ground.build()
    ground.fails_cleanly(run, "in/a.jsonl:3", "not UTF-8")
    assert "in/a.jsonl:1" not in run.output


def test_utf16_text_with_a_bom_is_decoded_as_utf16(ground):
    ground.write("in/a.txt", ("\ufeff" + "Title line\n" + article(1)).encode("utf-16-le"))
    ground.config(TXT)
    assert ground.build().code == 0
    import pyarrow.parquet as pq
    rows = [r for f in (ground.release / "data").glob("*.parquet") for r in pq.read_table(f).to_pylist()]
    assert len(rows) == 1 and "\x00" not in rows[0]["text"] and "国务院" in rows[0]["text"]


def test_a_symlink_leading_out_of_the_input_folder_is_refused(ground):
    ground.write("in/a.txt", article(1))
    os.symlink(ground.outside / "secret.txt", ground.project / "in" / "b.txt")
    ground.config(TXT)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "in/b.txt", "outside the input folder")
    assert changed(before, ground.state()) == set()


def test_a_symlinked_subfolder_leading_out_is_refused_too(ground):
    ground.write("in/a.txt", article(1))
    os.symlink(ground.outside, ground.project / "in" / "more")
    ground.config(TXT + 'glob = "*"\n')
    ground.fails_cleanly(ground.build(), "in/more", "outside the input folder")


@pytest.mark.parametrize("glob", ["../outside/*.txt", "sub/../../outside/*"])
def test_a_glob_that_leaves_its_folder_is_refused(ground, glob):
    ground.write("in/a.txt", article(1))
    ground.config(TXT + f'glob = "{glob}"\n')
    before = ground.state()
    ground.fails_cleanly(ground.build(), "glob", glob, "..")
    assert changed(before, ground.state()) == set()


def test_an_absolute_glob_is_refused_naming_the_key(ground):
    ground.write("in/a.txt", article(1))
    ground.config(TXT + f'glob = "{ground.outside}/*.txt"\n')
    run = ground.build()
    ground.fails_cleanly(run, "glob", "absolute")


@pytest.mark.parametrize("kind", ["broken", "loop"])
def test_broken_or_looping_txt_symlinks_are_errors_naming_them(ground, kind):
    ground.write("in/a.txt", article(1))
    if kind == "broken":
        os.symlink(ground.project / "in" / "gone.txt", ground.project / "in" / "b.txt")
    else:
        os.symlink(ground.project / "in" / "c.txt", ground.project / "in" / "b.txt")
        os.symlink(ground.project / "in" / "b.txt", ground.project / "in" / "c.txt")
    ground.config(TXT)
    ground.fails_cleanly(ground.build(), "in/b.txt", "broken" if kind == "broken" else "loop")


def test_an_unknown_sidecar_key_is_an_error_naming_line_and_field(ground):
    ground.write("in/a.txt", article(1))
    ground.write("in/b.txt", article(2))
    ground.write("meta.jsonl", '{"file_name": "a.txt"}\n{"file_name": "b.txt", "Title": "标题"}\n')
    ground.config(TXT + 'metadata = "meta.jsonl"\n')
    ground.fails_cleanly(ground.build(), "meta.jsonl:2", "'Title'", "'title'")


def test_a_star_glob_never_reads_the_sidecar_as_a_document(ground):
    ground.write("in/a.txt", article(1))
    ground.write("in/metadata.jsonl", '{"file_name": "a.txt", "title": "第一号通知"}\n')
    ground.config(TXT + 'metadata = "in/metadata.jsonl"\nglob = "*"\n')
    assert ground.build().code == 0
    manifest = json.loads((ground.release / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["read"] == 1
    assert {i["path"]: i["documents"] for i in manifest["inputs"]} == {"in/a.txt": 1, "in/metadata.jsonl": 0}


def test_duplicate_ids_in_clean_are_an_error_naming_both_places(ground):
    a = ground.write("a.jsonl", jsonl_lines(2))
    b = ground.write("b.jsonl", jsonl_lines(1, start=1))
    before = ground.state()
    run = ground.cli("clean", str(a), str(b), "-o", str(ground.project / "out.jsonl"))
    ground.fails_cleanly(run, "b.jsonl:1", "a.jsonl:2", "'doc-1'")
    assert changed(before, ground.state()) == set()


def _error_line(run) -> str:
    return next(line for line in run.output.splitlines() if "error:" in line)


@pytest.mark.parametrize("second", [
    jsonl_lines(1, start=3) + jsonl_lines(1, start=1),  # two ids used again: the build names the smaller
    jsonl_lines(1, start=5) + '{"id": "doc-6", "text": 5}\n',
    jsonl_lines(1, start=5) + "{not json\n",
], ids=["two-reused-ids", "text-not-a-string", "not-json"])
def test_clean_and_build_give_the_same_error_for_the_same_input(ground, second):
    ground.write("in/a.jsonl", jsonl_lines(4))
    ground.write("in/b.jsonl", second)
    ground.config(JSONL)
    build = ground.build()
    clean = ground.cli("clean", str(ground.project / "in"), "-o", str(ground.outside / "out.jsonl"))
    ground.fails_cleanly(build, "in/b.jsonl:")
    ground.fails_cleanly(clean, "in/b.jsonl:")
    assert _error_line(clean) == _error_line(build)
    assert not (ground.outside / "out.jsonl").exists()


def test_the_manifest_hashes_the_bytes_that_were_read_not_the_file_later(ground):
    original = article(1).encode("utf-8")
    ground.write("in/a.txt", original)
    ground.write("in/b.txt", article(2))
    config = ground.config(TXT)
    seen = []

    def rewrite_after_first_document():
        seen.append(1)
        if len(seen) == 1:  # a.txt was read; replace it before the build ends
            (ground.project / "in" / "a.txt").write_text(article(3), encoding="utf-8")

    build_release(config, on_document=rewrite_after_first_document)
    manifest = json.loads((ground.release / "manifest.json").read_text("utf-8"))
    inputs = {i["path"]: i for i in manifest["inputs"]}
    assert inputs["in/a.txt"]["sha256"] == hashlib.sha256(original).hexdigest()
    assert inputs["in/a.txt"]["bytes"] == len(original)


def test_a_jsonl_file_growing_while_it_is_read_is_an_error(ground):
    ground.write("in/a.jsonl", jsonl_lines(3))
    ground.config(JSONL)

    appended = []

    def append():
        if appended:
            return
        appended.append(1)
        with open(ground.project / "in" / "a.jsonl", "a", encoding="utf-8") as handle:
            handle.write(jsonl_lines(1, start=100))

    from dataset_builder.errors import InputError
    with pytest.raises(InputError, match="in/a.jsonl: the file changed while it was being read"):
        build_release(ground.project / "dataset.toml", on_document=append)
    assert not (ground.project / "dist" / "demo").exists() or not any((ground.project / "dist" / "demo").iterdir())


def test_an_empty_input_file_is_still_recorded_in_the_manifest(ground):
    ground.write("in/a.jsonl", jsonl_lines(3))
    ground.write("in/b.jsonl", "")
    ground.config(JSONL)
    assert ground.build().code == 0
    manifest = json.loads((ground.release / "manifest.json").read_text("utf-8"))
    assert {i["path"]: i["documents"] for i in manifest["inputs"]} == {"in/a.jsonl": 3, "in/b.jsonl": 0}


# -- the config ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, table, value", [
    ("split.train", "split", "nan"),
    ("split.test", "split", "inf"),
    ("filter.min_chars", "filter", "nan"),
    ("filter.min_han_ratio", "filter", "nan"),
    ("clean.max_spam_share", "clean", "-inf"),
])
def test_nan_and_infinities_in_the_config_are_refused_with_key_and_line(ground, key, table, value):
    ground.write("in/a.jsonl", jsonl_lines(3))
    name = key.split(".")[1]
    split = "train = 0.8\nvalidation = 0.1\ntest = 0.1"
    if table == "split":
        split = "\n".join(f"{name} = {value}" if line.startswith(name) else line for line in split.splitlines())
        ground.config(JSONL, split=split)
    else:
        ground.config(JSONL, extra=f"[{key.split('.')[0]}]\n{name} = {value}\n")
    text = (ground.project / "dataset.toml").read_text("utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith(f"{name} ="))
    before = ground.state()
    ground.fails_cleanly(ground.build(), "dataset.toml", key, "not a finite number", f"line {line}")
    assert changed(before, ground.state()) == set()
    checked = ground.cli("validate", str(ground.project / "dataset.toml"))
    assert checked.code == 1 and key in checked.output and f":{line}" in checked.output, checked.output


def test_three_nan_ratios_are_a_config_error_not_an_internal_error(ground):
    ground.write("in/a.jsonl", jsonl_lines(3))
    ground.config(JSONL, split="train = nan\nvalidation = nan\ntest = nan")
    ground.fails_cleanly(ground.build(), "split.train", "split.validation", "split.test")


@pytest.mark.parametrize("key", ["name", "version"])
def test_a_name_or_version_ending_in_a_newline_is_refused(ground, key):
    ground.write("in/a.jsonl", jsonl_lines(3))
    head = 'name = "demo\\n"\nversion = "1.0.0"\n' if key == "name" else 'name = "demo"\nversion = "1.0.0\\n"\n'
    ground.config(JSONL, head=head)
    before = ground.state()
    ground.fails_cleanly(ground.build(), "dataset.toml", f"{key}:", "control character", "line ")
    assert changed(before, ground.state()) == set()


def test_a_glob_leaving_its_folder_is_a_config_error_before_any_work(ground):
    ground.config(TXT + 'glob = "../outside/*"\n')  # the input folder does not even exist: the config fails first
    ground.fails_cleanly(ground.build(), "inputs[0].glob", "'..'")
