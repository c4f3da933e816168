"""The engine: the same release whatever the worker count and shard size, resume after a kill, a stale work
folder refused, counts that add up. On the seeds and on a real sample of the shared bench corpus."""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dataset_builder.build import build_release, work_folder_path
from dataset_builder.config import load_config
from dataset_builder.errors import InputError, WorkFolderError

from .conftest import SEED_VERSION, distinct_text, write_config

# ../shared/bench beside the main checkout (worktrees sit one level deeper)
_REPO = Path(__file__).resolve().parent.parent
BENCH = next((p for p in (_REPO.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst",
                          _REPO.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst") if p.is_file()),
             _REPO.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst")
SAMPLE_LINES = 1500  # the corpus's first lines hold every kind: poems, English news (rejected), DRCD, web pages
COPIES = 20  # real documents repeated under another id, so the sample has exact duplicates


def release_files(release: Path) -> dict[str, bytes]:
    return {p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}


def make_bench_project(folder: Path) -> Path:
    if not BENCH.is_file():
        pytest.skip(f"the shared bench corpus is not here ({BENCH}); this test needs its real documents")
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(BENCH.open("rb")) as raw:
        lines = list(itertools.islice(io.BufferedReader(raw), SAMPLE_LINES))
    copies = []
    for line in lines[100:100 + COPIES]:
        record = json.loads(line)
        record["id"] += "-copy"
        copies.append((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part-1.jsonl").write_bytes(b"".join(lines[:1000]))
    (folder / "part-2.jsonl").write_bytes(b"".join(lines[1000:] + copies))
    return write_config(folder, '[[inputs]]\npath = "."\nformat = "jsonl"\nglob = "part-*.jsonl"\n')


@pytest.fixture(scope="module")
def bench_reference(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """(project, release bytes) of the bench sample built with one worker and the default shard size."""
    config = make_bench_project(tmp_path_factory.mktemp("bench") / "reference")
    result = build_release(config, workers=1)
    return config.parent, release_files(result.release_dir)


def test_bench_sample_release_is_the_same_for_any_workers_and_shard_size(bench_reference, tmp_path):
    project, reference = bench_reference
    manifest = json.loads(reference["manifest.json"])
    counts = manifest["counts"]
    # the sample exercises every sink and the global steps
    assert counts["duplicates"] >= 5 and counts["rejected"] > 100 and counts["kept"] > 500
    assert any(c["operator"] == "cross_document_boilerplate_remover" for c in manifest["cleaning"])
    for workers, size in ((2, 97), (1, 400)):
        config = make_bench_project(tmp_path / f"w{workers}-s{size}")
        result = build_release(config, workers=workers, documents_per_shard=size)
        assert release_files(result.release_dir) == reference, (workers, size)
        assert not work_folder_path(result.config).exists()  # a finished build removes its work


def test_bench_sample_counts_add_up(bench_reference):
    project, reference = bench_reference
    manifest = json.loads(reference["manifest.json"])
    counts = manifest["counts"]
    assert counts["read"] == SAMPLE_LINES + COPIES == sum(i["documents"] for i in manifest["inputs"])
    assert counts["read"] == counts["kept"] + counts["rejected"] + counts["duplicates"]
    assert counts["kept"] == sum(counts["splits"].values())
    assert counts["rejected"] == sum(r["count"] for r in counts["rejected_by_reason"])
    rows = {f["path"].split("/")[0]: 0 for f in manifest["files"]}
    for f in manifest["files"]:
        if f["path"].endswith(".parquet"):
            rows[f["path"].split("/")[0]] += f["rows"]
    assert (rows["data"], rows["rejected"], rows["duplicates"]) == (counts["kept"], counts["rejected"], counts["duplicates"])


def test_seed_release_is_the_same_for_any_workers_and_shard_size(seed_project, tmp_path):
    releases = []
    for k, (workers, size) in enumerate(((1, 5000), (2, 1), (2, 2))):
        project = tmp_path / f"p{k}"
        shutil.copytree(seed_project, project)
        result = build_release(project / "dataset.toml", workers=workers, documents_per_shard=size)
        releases.append(release_files(result.release_dir))
    assert releases[0] == releases[1] == releases[2]


def _mixed_project(folder: Path) -> Path:
    """Documents that end in every place: kept, rejected by the filter (too short, not Chinese), duplicates."""
    records = [{"id": f"k{i:02d}", "text": distinct_text(i)} for i in range(24)]
    records += [{"id": "dup-a", "text": records[3]["text"]}, {"id": "dup-b", "text": records[9]["text"]}]
    records += [{"id": f"short{i}", "text": "短。"} for i in range(5)]
    records += [{"id": "english", "text": "An English page with no Chinese at all. " * 4}]
    folder.mkdir()
    (folder / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return write_config(folder, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n')


def _pandas_in_a_worker() -> tuple[bool, list, str]:
    """Run in a worker of the process engine: what a sink does with pyarrow, then an import of pandas."""
    import pyarrow as pa

    converted = pa.array(["文本", None, "text"], pa.string()).to_pylist()
    loaded = "pandas" in sys.modules
    try:
        import pandas  # noqa: F401
    except ImportError as exc:
        return loaded, converted, str(exc)
    return loaded, converted, ""


def test_the_process_engines_workers_convert_python_lists_without_importing_pandas():
    import pandas  # noqa: F401  # the parent has it (datasets needs it): the workers must not load it anyway

    from dataset_builder.engines.processes import ProcessEngine

    engine = ProcessEngine(2)
    engine.prepare()
    try:
        loaded, converted, refused = engine._get_pool().apply(_pandas_in_a_worker)
    finally:
        engine.close(terminate=True)
    assert converted == ["文本", None, "text"]
    assert loaded is False
    assert "not imported by the build's workers" in refused


def test_the_process_engines_workers_import_the_stages_before_their_first_shard():
    """The CLI starts the workers before it imports the stages (the engines import them only when they run a
    phase), so each worker's initializer imports them itself, beside the driver's own import. The question is
    asked with a builtin, so that nothing is imported in the worker to answer it."""
    from dataset_builder.engines.processes import ProcessEngine

    engine = ProcessEngine(2)
    engine.prepare()
    try:
        loaded = engine._get_pool().apply(eval, ("[m in __import__('sys').modules for m in "
                                                 "('dataset_builder.phases', 'dataset_builder.pipeline')]",))
    finally:
        engine.close(terminate=True)
    assert loaded == [True, True]


def test_a_worker_ready_for_its_first_shard_has_loaded_nothing_the_stages_do_not_use():
    """What only the driver needs (config checking, merging runs, Parquet, the release writer's libraries) and the
    OpenCC converters the stages' vocabulary was once spelled with stay out of a worker: each cost every worker
    tens of milliseconds, and the converters 60 MiB. Asked with a builtin, as above."""
    from dataset_builder.engines.processes import ProcessEngine

    engine = ProcessEngine(1)
    engine.prepare()
    try:
        modules, converters = engine._get_pool().apply(eval, (
            "([m for m in ('jsonschema', 'pyarrow.compute', 'pyarrow.parquet', 'datasets', 'mlcroissant') "
            "if m in __import__('sys').modules], "
            "__import__('sys').modules['dataset_builder.cleaning.text_units'].converter.cache_info().currsize)",))
    finally:
        engine.close(terminate=True)
    assert modules == [] and converters == 0


def test_documents_finished_early_go_to_the_sinks_at_once_with_the_same_bytes(tmp_path, monkeypatch):
    """A document rejected before the last phase is written to the rejected sink by that phase and never stored for
    the next one; the release is still the same for any worker count and shard size."""
    from dataset_builder import work as work_module
    from dataset_builder.phases import DOCS

    stored = []
    real_save = work_module.WorkFolder.save_documents

    def recording_save(self, phase, name, docs):
        assert name.endswith(DOCS)
        stored.extend(docs)
        return real_save(self, phase, name, docs)

    monkeypatch.setattr(work_module.WorkFolder, "save_documents", recording_save)
    first = build_release(_mixed_project(tmp_path / "p0"), workers=1, documents_per_shard=4)
    counts = first.manifest["counts"]
    assert (counts["kept"], counts["rejected"], counts["duplicates"]) == (24, 6, 2)
    assert stored and not [d.id for d in stored if d.rejection is not None and d.rejection.stage == "quality_filter"]
    monkeypatch.undo()
    releases = [release_files(first.release_dir)]
    for k, (workers, size) in enumerate(((1, 5000), (2, 3), (2, 7)), start=1):
        releases.append(release_files(build_release(_mixed_project(tmp_path / f"p{k}"), workers=workers,
                                                    documents_per_shard=size).release_dir))
    assert all(release == releases[0] for release in releases[1:])


def test_a_document_rejected_as_it_is_read_reaches_the_sinks_from_a_worker_of_the_first_phase(tmp_path):
    """The first phase's job carries no sink schemas (the driver derives them for the later phases); a worker that
    finishes a document in it (a text file that cannot be decoded) derives them itself. Same bytes as one worker."""
    releases = []
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        (folder / "in").mkdir(parents=True)
        for k in range(4):
            (folder / "in" / f"{k}.txt").write_text(distinct_text(k), encoding="utf-8")
        (folder / "in" / "bad.txt").write_bytes(bytes(range(128, 256)) * 4)
        config = write_config(folder, '[[inputs]]\npath = "in"\nformat = "txt"\n')
        result = build_release(config, workers=workers, documents_per_shard=1)
        assert result.manifest["counts"]["rejected_by_reason"] == [
            {"count": 1, "reason": "undecodable", "stage": "read"}]
        releases.append(release_files(result.release_dir))
    assert releases[0] == releases[1]


def _repeated_id_project(folder: Path) -> Path:
    """Four documents in four shards (one document a shard), the last repeating the first's id."""
    folder.mkdir(parents=True)
    lines = [{"id": f"d{k}", "text": distinct_text(k)} for k in range(3)] + [{"id": "d0", "text": distinct_text(9)}]
    (folder / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    return write_config(folder, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n')


@pytest.mark.parametrize("workers", [1, 2])
def test_a_repeated_id_is_the_build_error_though_the_next_phase_started_before_the_ids_were_checked(tmp_path, workers):
    config = _repeated_id_project(tmp_path / "p")
    with pytest.raises(InputError, match=r"in.jsonl:4: field 'id': 'd0' is already used by in.jsonl:1"):
        build_release(config, workers=workers, documents_per_shard=1)
    assert not (tmp_path / "p" / "dist").exists() and not work_folder_path(load_config(config)).exists()


def test_a_repeated_id_is_reported_before_an_error_of_the_next_phase(tmp_path, monkeypatch):
    """The ids are checked while the second phase runs; a failure of that phase must not hide the input's error."""
    from dataset_builder import phases

    real_run_shard = phases.run_shard  # what the in-process engine runs (it looks it up when it runs a phase)

    def failing_after_the_first_phase(job, shard):
        if job.phase > 0:
            raise RuntimeError("the second phase failed")
        return real_run_shard(job, shard)

    monkeypatch.setattr(phases, "run_shard", failing_after_the_first_phase)
    config = _repeated_id_project(tmp_path / "p")
    with pytest.raises(InputError, match=r"'d0' is already used by in.jsonl:1"):
        build_release(config, workers=1, documents_per_shard=1)
    assert not work_folder_path(load_config(config)).exists()


def _cli(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "dataset_builder.cli", "build", "--workers", "1", "--shard-size", "100", *args]


def killed_bench_build(folder: Path) -> tuple[Path, Path, int]:
    """A bench project whose one-worker CLI build was `kill -9`ed once three shards of phase 0 were done:
    (config, work folder, shards of phase 0 done)."""
    config = make_bench_project(folder)
    project = config.parent
    work = work_folder_path(load_config(config))
    child = subprocess.Popen(_cli(project), cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while len(list(work.glob("phase0/*.done"))) < 3 and child.poll() is None:
            time.sleep(0.02)
        child.kill()
    finally:
        child.wait()
    assert child.returncode == -9, "the build ended before it could be killed"
    return config, work, len(list(work.glob("phase0/*.done")))


def test_a_killed_build_resumes_to_identical_bytes_and_a_stale_work_folder_is_refused(bench_reference, tmp_path):
    _, reference = bench_reference
    config, work, done = killed_bench_build(tmp_path / "killed")
    project = config.parent
    assert not (project / "dist" / "demo" / "1.0.0").exists()  # no half release
    assert 3 <= done < 16

    # another config: its build must not reuse this work
    stale = tmp_path / "stale"
    shutil.copytree(project, stale)
    (stale / "dataset.toml").write_text((stale / "dataset.toml").read_text("utf-8").replace('description = "demo"', 'description = "other"'), encoding="utf-8")
    with pytest.raises(WorkFolderError, match="belongs to another build"):
        build_release(stale / "dataset.toml", resume=True)
    refused = subprocess.run(_cli(stale, "--resume"), cwd=stale, capture_output=True, text=True)
    assert refused.returncode == 1 and "belongs to another build" in refused.stderr and "Traceback" not in refused.stderr

    resumed = subprocess.run(_cli(project, "--resume"), cwd=project, capture_output=True, text=True,
                             env={**os.environ, "COLUMNS": "200"})
    assert resumed.returncode == 0, resumed.stderr
    first = next(line for line in resumed.stderr.splitlines() if line.startswith("build: "))
    assert first.startswith(f"build: clean: {done}/16 shards"), first  # it continued from the completed shards
    assert release_files(project / "dist" / "demo" / "1.0.0") == reference
    assert not work.exists()


def test_plain_log_lines_report_each_phase_with_totals(tmp_path):
    (tmp_path / "in.jsonl").write_text("".join(
        json.dumps({"id": f"d{i}", "text": f"第{i}篇。这是一段足够长的中文正文，用来检验构建时的进度输出是否给出总数和速度。" * 2}, ensure_ascii=False) + "\n"
        for i in range(40)), encoding="utf-8")
    write_config(tmp_path, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n')
    run = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "build", "--workers", "1", "--shard-size", "10"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("build: ")]
    for phase in ("clean", "extract_metadata + quality_filter + dedup", "split_assign + write"):
        assert any(line.startswith(f"build: {phase}: 4/4 shards, 40/40 documents") for line in lines), (phase, lines)


def test_bench_sample_datasheet_from_the_build_tally_is_the_one_a_scan_of_the_release_gives(bench_reference, tmp_path):
    """The build counts the datasheet's figures as it writes rows; `dataset-builder datasheet` counts them from
    the files: the documents must come out the same, byte for byte."""
    from dataset_builder.datasheet import document_release

    project, reference = bench_reference
    copy = tmp_path / "release"
    shutil.copytree(project / "dist" / "demo" / "1.0.0", copy)
    for name in ("DATASHEET.md", "croissant.json"):
        (copy / name).unlink()
    document_release(copy, load_config(project / "dataset.toml"))
    assert release_files(copy) == reference


def _oracle_tally(rows: list[dict]) -> dict:
    """The kept rows' datasheet figures, counted row by row in plain Python."""
    from collections import Counter

    from dataset_builder.datasheet.facts import METADATA_COLUMNS

    cleaning: dict = {}
    for row in rows:
        for edit in row["edits"]:
            total = cleaning.setdefault((edit["operator"], edit["unit"]), [0, 0])
            total[0] += edit["count"]
            total[1] += 1
    dates = [r["published_at"] for r in rows if r["published_at"]]
    return {"documents": len(rows), "characters": sum(r["num_chars"] for r in rows),
            "lengths": Counter(r["num_chars"] for r in rows),
            "years": Counter((r["published_at"] or "")[:4] or None for r in rows),
            "dates": (min(dates), max(dates)) if dates else (None, None),
            "sources": Counter(r["source"] for r in rows), "scripts": Counter(r["script"] for r in rows),
            "licenses": Counter(r["license"] for r in rows),
            "flags": Counter(f for r in rows for f in r["flags"]),
            "missing": Counter({c: sum(r[c] in (None, [], "") for r in rows) for c in METADATA_COLUMNS}),
            "cleaning": cleaning}


def test_sink_shards_depend_on_the_rows_alone_not_on_how_the_runs_were_cut(bench_reference, tmp_path, monkeypatch):
    """The sink merges sorted runs a step at a time and cuts its shards by the Arrow size of fixed 1,024-row
    batches of the merged rows: runs cut two ways (2 runs of 1,024-row batches in steps of the default size, 7 runs
    of 100-row batches in steps of 50 rows, which end inside the runs' batches) give the same files, rows in id
    order, as many shards as the rows' own size asks for, and the same tally; so do 11 runs merged 3 at a time in
    levels, a row of each run a step, which leave none of their files behind."""
    import math

    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataset_builder.datasheet.facts import FactsTally
    from dataset_builder.release import sinks

    release = bench_reference[0] / "dist" / "demo" / "1.0.0"
    kept = pa.concat_tables(pq.read_table(p) for p in sorted((release / "data").glob("*.parquet"))).to_pylist()
    rows = [{**row, "id": f"{row['id']}~{copy}"} for copy in range(3) for row in kept]  # past 1,024-row batches
    expected = sorted(rows, key=lambda r: r["id"])
    schema, run_schema = sinks.sink_schema("train"), sinks.run_schemas()["train"]  # as a build writes and merges
    nbytes = sum(pa.RecordBatch.from_pylist(expected[i:i + sinks.BATCH_ROWS], schema=schema).nbytes
                 for i in range(0, len(expected), sinks.BATCH_ROWS))
    monkeypatch.setattr(sinks, "MAX_SHARD_BYTES", nbytes // 3)
    layouts = set()
    for run_count, batch_rows, step_rows in ((2, sinks.BATCH_ROWS, sinks.STEP_ROWS), (7, 100, 50), (11, 64, 1)):
        # 11 runs, 3 at a time: merged in two levels first (4 runs, then 2), as a build with many shards does
        monkeypatch.setattr(sinks, "MAX_MERGE_RUNS", 3 if run_count == 11 else 64)
        monkeypatch.setattr(sinks, "STEP_ROWS", step_rows)
        folder = tmp_path / f"runs-{run_count}"
        folder.mkdir()
        runs = []
        for k in range(run_count):
            runs.append(folder / f"{k}.arrow")
            table = pa.Table.from_pylist(sorted(rows[k::run_count], key=lambda r: r["id"]), schema=run_schema)
            with pa.ipc.new_file(str(runs[-1]), run_schema) as writer:
                writer.write_table(table, max_chunksize=batch_rows)
        tally = FactsTally()
        files = sinks.write_sink(runs, schema, folder / "data", "train", folder, folder,
                                 lambda batch: tally.add_kept("train", batch))
        assert len(files) == math.ceil(nbytes / (nbytes // 3)) >= 3
        assert sorted(p.name for p in folder.glob("*.arrow")) == sorted(f"{k}.arrow" for k in range(run_count))
        assert [r for f in files for r in pq.read_table(folder / f.path).to_pylist()] == expected
        assert sum(f.arrow_bytes for f in files) > 0
        layouts.add(tuple((f.path, f.sha256, f.rows, f.arrow_bytes) for f in files))
        oracle = _oracle_tally(expected)
        assert (tally.split_documents["train"], tally.split_characters["train"], tally.lengths, tally.years,
                (tally.first_date, tally.last_date), tally.sources, tally.scripts, tally.licenses, tally.flags,
                tally.missing,
                tally.cleaning) == tuple(oracle.values())
    assert len(layouts) == 1


def test_sink_tallies_added_in_order_equal_one_tally_on_the_bench_sample(bench_reference):
    from .test_datasheet_size import tallies_added_in_order_equal_one_tally

    release = next((bench_reference[0] / "dist").glob("*/*/manifest.json")).parent
    tally = tallies_added_in_order_equal_one_tally(release)
    assert sum(tally.split_documents.values()) > 500 and tally.rejected and tally.duplicates


def _seed_runs(folder: Path, copies: int, batch_rows: int, vary):
    """Five sorted runs (batches of `batch_rows`) of train rows: the committed seed release's kept rows `copies`
    times, ids suffixed, other fields set by `vary(row, copy)`; so the sink tests need no ../shared."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataset_builder.release import sinks

    release = _REPO / "dist" / "zh-web-seeds" / SEED_VERSION
    kept = pa.concat_tables(pq.read_table(p) for p in sorted((release / "data").glob("*.parquet"))).to_pylist()
    rows = [{**row, "id": f"{row['id']}~{copy:03d}", **vary(row, copy)} for copy in range(copies) for row in kept]
    schema, run_schema = sinks.sink_schema("train"), sinks.run_schemas()["train"]  # as a build writes and merges
    runs = []
    for k in range(5):
        runs.append(folder / f"{k}.arrow")
        table = pa.Table.from_pylist(sorted(rows[k::5], key=lambda r: r["id"]), schema=run_schema)
        with pa.ipc.new_file(str(runs[-1]), run_schema) as writer:
            writer.write_table(table, max_chunksize=batch_rows)
    return rows, schema, runs


def test_sink_shards_streamed_a_column_at_a_time_have_the_bytes_of_the_whole_table_sliced(tmp_path, monkeypatch):
    """write_sink reads each shard back from the merged file a column at a time (so a shard is held once, not beside
    the mapped file): its shards and row groups must be byte for byte those of reading the whole merged file,
    slicing it and combining each slice, as the sink wrote them before. Shards and row groups are made small so
    that shard boundaries fall inside batches and every shard has several row groups."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataset_builder.hashing import file_sha256
    from dataset_builder.release import parquet_shards, sinks

    rows, schema, runs = _seed_runs(tmp_path, 400, 300, lambda row, copy: {"num_chars": copy})
    merged = tmp_path / "reference.arrow"
    sinks.merge_runs(runs, schema, merged)
    with pa.memory_map(str(merged)) as source:
        whole = pa.ipc.open_file(source).read_all()
    nbytes = sum(batch.nbytes for batch in whole.to_batches())
    monkeypatch.setattr(sinks, "MAX_SHARD_BYTES", nbytes // 4)
    monkeypatch.setattr(parquet_shards, "MAX_ROW_GROUP_BYTES", nbytes // 13)
    count = -(-nbytes // (nbytes // 4))
    per_shard = -(-whole.num_rows // count)
    assert per_shard % sinks.BATCH_ROWS  # shard boundaries inside batches
    expected = []
    for index in range(count):
        path = tmp_path / "reference" / sinks.shard_name("train", index, count)
        part = whole.slice(index * per_shard, per_shard).combine_chunks()
        expected.append((path.name, parquet_shards.write_parquet(part, path, tmp_path).arrow_bytes, file_sha256(path)))
    files = sinks.write_sink(runs, schema, tmp_path / "data", "train", tmp_path, tmp_path)
    assert [(Path(f.path).name, f.arrow_bytes, (f.sha256, f.bytes)) for f in files] == expected
    assert all(pq.ParquetFile(tmp_path / f.path).metadata.num_row_groups >= 3 for f in files)
    for start, stop in ((0, 0), (5, 17), (1000, 1030), (0, whole.num_rows), (whole.num_rows - 3, whole.num_rows)):
        part = sinks._rows_of(merged, schema, [b.num_rows for b in whole.to_batches()], start, stop)
        assert part.equals(whole.slice(start, stop - start).combine_chunks()) and part.schema == whole.schema


def test_a_small_sink_merged_in_memory_has_the_bytes_of_the_merged_file_path(tmp_path, monkeypatch):
    """A sink small enough is merged in memory and written as its one shard: the file, its Arrow size (the card's
    num_bytes) and the batches the tally sees must be those of the path through the merged file, on rows with
    nulls in several columns, runs whose batches the merge steps cut, and a sink with no runs at all. Batches and
    steps are made small, so that the shard is combined from many batches of many merge steps."""
    import pyarrow.parquet as pq

    from dataset_builder.release import sinks

    rows, schema, runs = _seed_runs(tmp_path, 300, 30, lambda row, copy: {
        "title": None if copy % 3 else row["title"], "published_at": None if copy % 2 else row["published_at"]})
    monkeypatch.setattr(sinks, "BATCH_ROWS", 100)
    monkeypatch.setattr(sinks, "STEP_ROWS", 70)
    written = {}
    for fraction in (3, 10**12):  # the in-memory path, then (no sink is that small) the merged file's
        monkeypatch.setattr(sinks, "IN_MEMORY_FRACTION", fraction)
        for name, sink_runs in (("full", runs), ("empty", [])):
            seen = []
            folder = tmp_path / f"{fraction}-{name}"
            folder.mkdir()
            files = sinks.write_sink(sink_runs, schema, folder / "data", "train", folder, folder,
                                     lambda batch: seen.append(batch.to_pydict()))
            assert not (folder / "train.merged.arrow").exists()
            written[fraction, name] = [(f.path, f.sha256, f.bytes, f.rows, f.arrow_bytes) for f in files], seen
    assert written[3, "full"] == written[10**12, "full"] and written[3, "empty"] == written[10**12, "empty"]
    files, seen = written[3, "full"]
    assert len(files) == 1 and files[0][3] == len(rows) and sum(len(b["id"]) for b in seen) == len(rows)
    assert len(seen) == -(-len(rows) // 100) and len(written[3, "empty"][0]) == 1 and written[3, "empty"][0][0][3] == 0
    for folder in (tmp_path / "3-full", tmp_path / "3-empty"):  # runs without the features metadata, shards with it
        assert pq.ParquetFile(folder / files[0][0]).schema_arrow.metadata[b"huggingface"] == schema.metadata[b"huggingface"]


def test_datasheet_figures_of_removed_documents_match_the_side_tables(bench_reference):
    """The tally keeps counts, the set of kept ids that have copies and the first duplicates by id, not a row per
    removed document: the figures must still be those of the rejected and duplicates files read whole."""
    from collections import Counter

    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataset_builder.datasheet.facts import DUPLICATE_EXAMPLES, compute_facts

    release = bench_reference[0] / "dist" / "demo" / "1.0.0"
    rejected = pa.concat_tables(map(pq.read_table, sorted((release / "rejected").glob("*.parquet")))).to_pylist()
    duplicates = pa.concat_tables(map(pq.read_table, sorted((release / "duplicates").glob("*.parquet")))).to_pylist()
    assert len(duplicates) > DUPLICATE_EXAMPLES and len(rejected) > 100
    facts = compute_facts(release)
    assert facts.rejected == len(rejected) and facts.duplicates == len(duplicates)
    assert facts.rejected_by_reason == sorted((s, r, n) for (s, r), n in Counter(
        (row["stage"], row["reason"]) for row in rejected).items())
    assert facts.duplicates_by_kind == sorted(Counter(r["kind"] for r in duplicates).items())
    assert facts.duplicate_originals == len({r["duplicate_of"] for r in duplicates})
    assert facts.duplicate_examples == sorted((r["id"], r["duplicate_of"], r["kind"]) for r in duplicates)[:5]
