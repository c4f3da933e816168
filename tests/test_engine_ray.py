"""The Ray Data engine gives the local engine's release byte for byte, and resumes from completed shards.

One local Ray (2 CPUs) serves the module. Skipped, with the reason, only where the `ray` extra is not installed.
"""

from __future__ import annotations

import shutil

import pytest

ray = pytest.importorskip("ray", reason='the Ray engine tests need the ray extra: pip install ".[ray]"')

from dataset_builder.build import build_release, work_folder_path  # noqa: E402

from .test_engine import bench_reference, killed_bench_build, make_bench_project, release_files  # noqa: E402,F401


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_seed_release_on_ray_is_the_local_release(seed_project, tmp_path):
    local = build_release(seed_project / "dataset.toml", workers=1)
    project = tmp_path / "on-ray"
    shutil.copytree(seed_project, project, ignore=shutil.ignore_patterns("dist", "DATASHEET.md"))
    on_ray = build_release(project / "dataset.toml", workers=2, engine="ray", documents_per_shard=1)
    assert release_files(on_ray.release_dir) == release_files(local.release_dir)


def test_bench_sample_on_ray_is_the_local_release(bench_reference, tmp_path):
    _, reference = bench_reference
    config = make_bench_project(tmp_path / "on-ray")
    result = build_release(config, workers=2, engine="ray", documents_per_shard=97)
    assert release_files(result.release_dir) == reference
    assert not work_folder_path(result.config).exists()


def test_ray_resumes_from_the_completed_shards(bench_reference, tmp_path):
    _, reference = bench_reference
    config, _, done = killed_bench_build(tmp_path / "killed")

    first_report: list[tuple] = []

    def progress(phase, shards_done, shards, *rest):
        if not first_report:
            first_report.append((phase, shards_done, shards))

    result = build_release(config, resume=True, workers=2, engine="ray", documents_per_shard=100, progress=progress)
    assert first_report == [("clean", done, 16)]  # Ray ran only the shards the killed build had not finished
    assert release_files(result.release_dir) == reference


def test_an_input_error_on_ray_names_the_file_and_line(tmp_path):
    from dataset_builder.errors import InputError

    from .conftest import write_config

    lines = [f'{{"id": "d{i}", "text": "第{i}篇。这是一段足够长的中文正文，用来检验引擎报告错误的位置是否准确。"}}' for i in range(30)]
    lines[17] = '{"id": "d17", "text": 5}'
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = write_config(tmp_path, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n')
    with pytest.raises(InputError, match=r"in\.jsonl:18"):
        build_release(config, workers=2, engine="ray", documents_per_shard=5)
    assert not (tmp_path / "dist" / "demo" / "1.0.0").exists()
