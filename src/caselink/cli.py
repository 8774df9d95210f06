"""The ``caselink`` command.

    caselink resolve INPUT [INPUT ...] --out DIR [--config FILE] [--quiet]
    caselink add --db cases.db INPUT [INPUT ...] [--config FILE] [--workers N]
    caselink cases --db cases.db [--since DATE] [--json]
    caselink history --db cases.db CASE_ID

Exit status 0 when the run completed (even with rejected records, which are summarised); 2 when the
input or configuration is unusable, with a message saying why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence

import attrs

from caselink import __version__
from caselink.config import Config
from caselink.errors import CaselinkError, ConfigError
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
    run.set_defaults(handler=_resolve)


def _add_add(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "add",
        help="add articles to a case store",
        description="Resolve new articles against a case store (created if missing), in one transaction.",
    )
    run.add_argument("--db", required=True, metavar="FILE", help="the case store (SQLite file)")
    run.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a .jsonl or .csv file, or a directory of .txt files",
    )
    run.add_argument("--config", metavar="FILE", help="config of a new store (.json or .toml)")
    run.add_argument(
        "--workers", type=int, metavar="N", help="processes for cleaning and extraction (default 1)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bars or log messages")
    run.add_argument("-v", "--verbose", action="store_true", help="log what the add did")
    run.set_defaults(handler=_store_add)


def _add_cases(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "cases",
        help="list the cases of a case store",
        description="List the cases of a store: id, size, first and last publication date, headline.",
    )
    run.add_argument("--db", required=True, metavar="FILE", help="the case store (SQLite file)")
    run.add_argument(
        "--since",
        metavar="DATE",
        help="only cases created or changed at or after this UTC date or time (ISO 8601)",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object per case")
    run.set_defaults(handler=_store_cases)


def _add_history(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "history",
        help="show the lineage of a case",
        description="Show every create, grow, merge, split and update of a case, with its reason.",
    )
    run.add_argument("--db", required=True, metavar="FILE", help="the case store (SQLite file)")
    run.add_argument("case_id", metavar="CASE_ID", help="a case id (ids merged away resolve too)")
    run.add_argument("--json", action="store_true", help="print one JSON object per event")
    run.set_defaults(handler=_store_history)


# Each command registers its own parser and sets ``handler``; add new commands to this tuple.
_COMMANDS = (_add_resolve, _add_add, _add_cases, _add_history)


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


def _store_add(args: argparse.Namespace) -> int:
    from caselink.store import CaseStore  # noqa: PLC0415 - only the store commands need it

    config = Config.from_file(args.config) if args.config else None
    batch = read_articles(*args.inputs)
    with CaseStore.open(args.db, config, workers=args.workers) as store:
        report = store.add(batch)
        total, cases = len(store), store.count_cases()
    print(f"caselink: {report}; the store holds {total} articles in {cases} cases")
    for reject in report.rejects:
        where = f"{reject.source}:{reject.line}" if reject.line is not None else reject.source
        print(f"caselink: rejected {where}: {reject.reason}", file=sys.stderr)
    return 0


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        msg = f"--since must be an ISO date or time such as 2024-05-01 or 2024-05-01T12:00, got {text!r}"
        raise ConfigError(msg) from None


def _store_cases(args: argparse.Namespace) -> int:
    from caselink.store import CaseStore  # noqa: PLC0415 - only the store commands need it

    since = _since(args.since)
    with CaseStore.open(args.db, create=False) as store:
        for summary in store.cases(since):
            if args.json:
                print(json.dumps(summary.to_dict(), ensure_ascii=False, sort_keys=True))
            else:
                first = summary.first_seen.isoformat() if summary.first_seen else "-"
                last = summary.last_seen.isoformat() if summary.last_seen else "-"
                print(f"{summary.case_id}\t{summary.size}\t{first}\t{last}\t{summary.headline}")
    return 0


def _store_history(args: argparse.Namespace) -> int:
    from caselink.store import CaseStore  # noqa: PLC0415 - only the store commands need it

    with CaseStore.open(args.db, create=False) as store:
        try:
            current = store.resolve_id(args.case_id)
        except KeyError as error:
            print(f"caselink: error: {error.args[0]}", file=sys.stderr)
            return 2
        if current != args.case_id and not args.json:
            print(f"{args.case_id} was merged into {current}")
        for event in store.history(current):
            if args.json:
                row = {**attrs.asdict(event), "detail": dict(event.detail)}
                print(json.dumps(row, ensure_ascii=False, sort_keys=True))
            else:
                print(event.describe())
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
