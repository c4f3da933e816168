"""The per-document stages of this working tree against those of a git revision, timed in turns in one process.

    python bench/clean_against.py REVISION [--corpus PATH] [--limit N] [--chunk 2000] [--rounds 1]

On a shared machine two runs of bench/clean.py minutes apart differ by 20-40% with no change to the code (the
host's other guests take the cores), so a speed-up of a few percent cannot be told from them. Here both versions
run in the same process on the same chunks of the bench corpus, chunk after chunk, the order of the two swapped
at every chunk: a slower spell of the machine hits both alike. The revision's package is extracted with
`git archive` into a temporary folder and imported under another name (the package imports itself relatively),
beside this tree's. Each chunk runs as bench/clean.py runs it (the cyclic collector paused, the CPU clock from
the first stage on), and the two outputs of every chunk are compared by bench/clean.py's fingerprint (every
field of every document): a speed-up must change none. Two copies of the same tree give a ratio within about
1% of 1.000.

Prints each version's MB per CPU-second, the ratio of their CPU times, and how many chunks' outputs differ (the
exit status is 1 when any does). Nothing derived from the corpus is written.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clean import BENCH_FILTER, DEFAULT_CORPUS, chunk_documents, load, output_digest, warm_up  # noqa: E402

PACKAGE = "dataset_builder"
REPO = Path(__file__).resolve().parent.parent


def extract_revision(revision: str, into: Path) -> str:
    """The package as it is at `revision`, as `into/<alias>`; returns the alias (a module name)."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{revision}^{{commit}}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    alias = f"{PACKAGE}_at_{commit[:12]}"
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, PACKAGE], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        members = []
        for member in tar.getmembers():
            member.name = alias + member.name[len(PACKAGE):]
            members.append(member)
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # extraction filters: 3.11.4 on
        tar.extractall(into, members=members, **safe)
    return alias


class Version:
    """One version's stages, warmed up, and its document classes."""

    def __init__(self, package: str) -> None:
        pipeline = importlib.import_module(f"{package}.pipeline")
        config = importlib.import_module(f"{package}.config")
        document = importlib.import_module(f"{package}.document")
        self.Document, self.Origin = document.Document, document.Origin
        self.stages = pipeline.cleaning_stages(config.CleanConfig(), config.FilterConfig(**BENCH_FILTER))
        warm_up(self.stages, self.Document, self.Origin)  # as bench/clean.py's workers do

    def run(self, chunk: list[tuple[str, str, dict]]) -> tuple[float, bytes]:
        """(CPU seconds in the stages, a digest of every output document's fingerprint) for one chunk."""
        docs = chunk_documents(chunk, self.Document, self.Origin)
        gc.disable()
        try:
            started = time.process_time()
            stream = docs
            for stage in self.stages:
                stage.stats.clear()
                stream = stage.run(stream)
            out = list(stream)
            seconds = time.process_time() - started
        finally:
            gc.enable()
        return seconds, output_digest(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revision", help="a git revision of this repository (a commit, a branch, HEAD~1)")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1, help="passes over the corpus")
    args = parser.parse_args()
    records = load(args.corpus, args.limit)
    megabytes = sum(len(t.encode("utf-8")) for _, t, _ in records) / 1e6
    chunks = [records[i : i + args.chunk] for i in range(0, len(records), args.chunk)]
    with tempfile.TemporaryDirectory(prefix="clean-against-") as folder:
        alias = extract_revision(args.revision, Path(folder))
        sys.path.insert(0, folder)
        versions = {args.revision: Version(alias), "working tree": Version(PACKAGE)}
        gc.freeze()  # the corpus and the tables: read-only from here
        cpu = dict.fromkeys(versions, 0.0)
        differing = 0
        for turn in range(args.rounds * len(chunks)):
            chunk = chunks[turn % len(chunks)]
            order = list(versions) if turn % 2 == 0 else list(reversed(versions))
            digests = {}
            for name in order:
                seconds, digests[name] = versions[name].run(chunk)
                cpu[name] += seconds
            differing += len(set(digests.values())) > 1
    print(f"{len(records)} documents, {megabytes:.1f} MB of text, {len(chunks)} chunks, {args.rounds} round(s)")
    for name, seconds in cpu.items():
        print(f"  {name}: {seconds / args.rounds:.2f} CPU-s a round, {megabytes * args.rounds / seconds:.2f} MB per CPU-second")
    old, new = cpu.values()
    print(f"  working tree / {args.revision}: {new / old:.3f} of the CPU time")
    turns = args.rounds * len(chunks)
    print(f"  outputs: {'identical in every chunk' if not differing else f'DIFFERENT in {differing} of {turns} chunks'}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
