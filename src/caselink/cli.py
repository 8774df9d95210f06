"""The ``caselink`` command.

    caselink resolve INPUT [INPUT ...] --out DIR [--config FILE] [--quiet]
    caselink report OUT_DIR [-o report.html] [--title TITLE]

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
        description=(
            "Resolve JSONL/CSV files, RSS/Atom feed files (.rss, .atom, .xml; needs caselink[feeds]) "
            "or directories of .txt articles into cases."
        ),
    )
    run.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a .jsonl or .csv file, an .rss/.atom/.xml feed, or a directory of .txt files",
    )
    run.add_argument(
        "--out", required=True, metavar="DIR", help="output directory (created if missing)"
    )
    run.add_argument("--config", metavar="FILE", help="a .json or .toml config file")
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bars or log messages (bars show by default only when stderr is a terminal)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="log each stage's timing")
    run.set_defaults(handler=_resolve)


def _add_report(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="write a self-contained HTML report of a resolve run",
        description=(
            "Write one self-contained HTML file (no network requests) with every case of the "
            "output directory of `caselink resolve`: searchable, with facts, provenance, timeline "
            "and the reason for every link."
        ),
    )
    report.add_argument("out_dir", metavar="OUT_DIR", help="the directory `caselink resolve` wrote")
    report.add_argument(
        "-o",
        "--output",
        default="report.html",
        metavar="FILE",
        help="the HTML file to write (default: report.html)",
    )
    report.add_argument("--title", default="caselink case report", help="the page title")
    report.set_defaults(handler=_report)


# Each command registers its own parser and sets ``handler``; add new commands to this tuple.
_COMMANDS = (_add_resolve, _add_report)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caselink", description="Resolve news articles into real-world cases."
    )
    parser.add_argument("--version", action="version", version=f"caselink {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for add_command in _COMMANDS:
        add_command(commands)
    return parser


def _resolve(args: argparse.Namespace) -> int:
    config = Config.from_file(args.config) if args.config else Config()
    if args.quiet:
        config = attrs.evolve(config, progress=False)
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


def _report(args: argparse.Namespace) -> int:
    from caselink.report import write_report  # noqa: PLC0415 - only this command needs it

    path = write_report(args.out_dir, args.output, title=args.title)
    print(f"caselink: wrote {path}")
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
