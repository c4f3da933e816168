"""Benchmark: peak memory of `validate` on a release whose rejected/ table is a compression bomb.

    python bench/validate_memory.py [--mib 400] [--row-mib 4]

Builds the seed release in a temporary folder (nothing is written into the project), replaces its rejected/
shard by one of highly compressible text (`--mib` MiB uncompressed in rows of `--row-mib` MiB, one row group,
a few hundred KB on disk), refreshes the manifest, then prints in separate processes the peak resident memory
(ru_maxrss) of: reading that table whole (what validate did before, `pq.read_table`), and `validate_path` on the
release (row group by row group in bounded batches). Figures vary with the machine's load; quote `uptime`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
release = Path({release!r})
started = time.perf_counter()
if {mode!r} == "whole":
    import pyarrow.parquet as pq
    rows = pq.read_table(release / "rejected" / "rejected-00000-of-00001.parquet").num_rows
    what = f"read_table: {{rows}} rows"
else:
    from dataset_builder.validate import validate_path
    report = validate_path(release, check_load=False)
    what = f"validate_path: {{'OK' if report.ok else [p.text() for p in report.problems][:3]}}"
print(f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MiB peak RSS, "
      f"{{time.perf_counter() - started:.1f}} s, {{what}}")
"""


def bomb_release(folder: Path, mib: int, row_mib: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT))
    from dataset_builder.build import build_release
    from dataset_builder.schema import side_table_schema
    from dataset_builder.datasheet import refresh_manifest_files

    project = folder / "project"
    project.mkdir()
    shutil.copytree(ROOT / "seeds", project / "seeds")
    for name in ("dataset.toml", "datasheet.yaml"):
        shutil.copy(ROOT / name, project / name)
    release = build_release(project / "dataset.toml").release_dir
    rows = mib // row_mib
    text = "重复的文本，" * (row_mib * 1024 * 1024 // 18)
    origin = {"file": "bomb.txt", "line": None, "row": None, "encoding": "utf-8"}
    table = pa.Table.from_pylist(
        [{"id": f"bomb-{k}", "stage": "read", "reason": "bench", "details": "", "origin": origin, "text": text}
         for k in range(rows)], schema=side_table_schema("rejected"))
    shard = release / "rejected" / "rejected-00000-of-00001.parquet"
    pq.write_table(table, shard, compression="zstd", compression_level=19, row_group_size=rows)
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    refresh_manifest_files(release)
    print(f"rejected/ shard: {shard.stat().st_size / 1024:.0f} KiB on disk, {table.nbytes / 2**20:.0f} MiB in Arrow, "
          f"{rows} rows, {pq.ParquetFile(shard).metadata.num_row_groups} row group(s)")
    del table, manifest
    return release


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=400)
    parser.add_argument("--row-mib", type=int, default=4)
    parser.add_argument("--make", help=argparse.SUPPRESS)  # internal: build the release in this folder
    args = parser.parse_args()
    if args.make:
        print(bomb_release(Path(args.make), args.mib, args.row_mib))
        return
    with tempfile.TemporaryDirectory(prefix="bench-validate-memory-") as tmp:
        # Each step in its own process: Linux keeps a process's peak RSS across fork and exec.
        made = subprocess.run([sys.executable, __file__, "--make", tmp, "--mib", str(args.mib), "--row-mib",
                               str(args.row_mib)], capture_output=True, text=True, check=True).stdout.splitlines()
        print(made[0])
        release = Path(made[-1])
        for mode in ("whole", "validate"):
            code = _CHILD.format(root=str(ROOT), release=str(release), mode=mode)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            print(f"{mode:>8}: {out.stdout.strip() or out.stderr.strip()[-400:]}")


if __name__ == "__main__":
    main()
