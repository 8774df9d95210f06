"""The ``caselink`` command.

    caselink resolve INPUT [INPUT ...] --out DIR [--config FILE] [--quiet]

Exit status 0 when the run completed (even with rejected records, which are summarised); 2 when the
input or configuration is unusable, with a message saying why.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import attrs

from caselink import __version__
from caselink.config import Config
from caselink.errors import CaselinkError
from caselink.ingest import read_articles
from caselink.pipeline import resolve

__all__ = ["main"]


# argparse exposes no public name for the subparsers action type.
_Subparsers = argparse._SubParsersAction


def _add_resolve(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "resolve",
        help="resolve articles into cases",
        description="Resolve JSONL/CSV files or directories of .txt articles into cases.",
    )
    run.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a .jsonl or .csv file, or a directory of .txt files",
    )
    run.add_argument(
        "--out", required=True, metavar="DIR", help="output directory (created if missing)"
    )
    run.add_argument("--config", metavar="FILE", help="a .json or .toml config file")
    run.add_argument("--quiet", action="store_true", help="no progress bars or log messages")
    run.add_argument("-v", "--verbose", action="store_true", help="log each stage's timing")
    run.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="'spark' runs on PySpark (pip install 'caselink[spark]'; Java 17) and writes "
        "assignments.jsonl and manifest.json; the master comes from spark-submit or is local[*]",
    )
    run.set_defaults(handler=_resolve)


# Each command registers its own parser and sets ``handler``; add new commands to this tuple.
_COMMANDS = (_add_resolve,)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caselink", description="Resolve news articles into real-world cases."
    )
    parser.add_argument("--version", action="version", version=f"caselink {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for add_command in _COMMANDS:
        add_command(commands)
    return parser


def _resolve_on_spark(args: argparse.Namespace, config: Config) -> int:
    try:
        from caselink.spark import resolve_files  # noqa: PLC0415 - optional engine

        stats = resolve_files(args.inputs, args.out, config)
    except ImportError as error:
        print(f"caselink: error: {error}", file=sys.stderr)
        return 2
    print(
        f"caselink: {int(stats.get('articles', 0))} articles -> {int(stats.get('cases', 0))} cases "
        f"on Spark; wrote {args.out}/assignments.jsonl and manifest.json"
    )
    return 0


def _resolve(args: argparse.Namespace) -> int:
    config = Config.from_file(args.config) if args.config else Config()
    if args.quiet:
        config = attrs.evolve(config, progress=False)
    if getattr(args, "engine", "local") == "spark":
        return _resolve_on_spark(args, config)
    batch = read_articles(*args.inputs)
    resolution = resolve(batch, config)
    out = resolution.write(args.out)
    multi = sum(1 for c in resolution.cases if len(c.article_ids) > 1)
    print(
        f"caselink: {len(resolution.articles)} articles -> {len(resolution.cases)} cases "
        f"({multi} with several articles), {len(resolution.links)} links, "
        f"{len(resolution.rejects)} rejected (see {out / 'rejects.jsonl'}); wrote {out}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``caselink`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    verbose = getattr(args, "verbose", False) and not getattr(args, "quiet", False)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="caselink: %(message)s"
    )
    try:
        status: int = args.handler(args)
    except CaselinkError as error:
        print(f"caselink: error: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
