"""`python -m dataset_builder.validate PATH [--format text|json|github] [--strict]`: the same as
`dataset-builder validate`, usable without the CLI (e.g. in CI before the package's entry point is on PATH)."""

from __future__ import annotations

import argparse
import sys

from . import FORMATS, validate_main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dataset_builder.validate",
                                 description="Validate a release folder (dist/<name>/<version>) or a dataset.toml.")
    ap.add_argument("path")
    ap.add_argument("--format", dest="fmt", choices=FORMATS, default="text")
    ap.add_argument("--strict", action="store_true",
                    help="also fail datasheet questions answered [More Information Needed]")
    args = ap.parse_args(argv)
    return validate_main(args.path, args.fmt, args.strict)


if __name__ == "__main__":
    sys.exit(main())
