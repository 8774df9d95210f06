"""The ``caselink`` command.

    caselink resolve INPUT [INPUT ...] --out DIR [--config FILE] [--quiet]
    caselink report OUT_DIR [-o report.html] [--title TITLE]
    caselink explain OUT_DIR A B [--json]
    caselink eval OUT_DIR GOLD.jsonl
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
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from caselink import __version__
from caselink.config import Config
from caselink.errors import CaselinkError, ConfigError, InputError
from caselink.evaluate import evaluate
from caselink.ingest import read_articles
from caselink.models import Contribution, Explanation, ScoredPair, pair_key
from caselink.pipeline import resolve

__all__ = ["main"]


# argparse exposes no public name for the subparsers action type.
_Subparsers = argparse._SubParsersAction


def _add_inputs(run: argparse.ArgumentParser, *, config_help: str, verbose_help: str) -> None:
    """The arguments every command that reads articles takes: inputs, config, quiet, verbose."""
    run.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a .jsonl or .csv file, an .rss/.atom/.xml feed, or a directory of .txt files",
    )
    run.add_argument("--config", metavar="FILE", help=config_help)
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bars or log messages (bars show by default only when stderr is a terminal)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help=verbose_help)


def _add_resolve(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "resolve",
        help="resolve articles into cases",
        description=(
            "Resolve JSONL/CSV files, RSS/Atom feed files (.rss, .atom, .xml; needs caselink[feeds]) "
            "or directories of .txt articles into cases."
        ),
    )
    _add_inputs(
        run, config_help="a .json or .toml config file", verbose_help="log each stage's timing"
    )
    run.add_argument(
        "--out", required=True, metavar="DIR", help="output directory (created if missing)"
    )
    run.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="'spark' runs on PySpark (pip install 'caselink[spark]'; Java 17) and writes "
        "assignments.jsonl and manifest.json; the master comes from spark-submit or is local[*]",
    )
    run.add_argument(
        "--scored-pairs",
        action="store_true",
        help="also write scored_pairs.jsonl: every scored candidate pair with its contributions "
        "(tens of pairs per article; `explain` and `eval` read it for pairs that are not links)",
    )
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


def _add_explain(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "explain",
        help="explain why two articles are, or are not, in one case",
        description="Explain a pair of articles from the output of `caselink resolve`.",
    )
    run.add_argument("out_dir", metavar="OUT_DIR", help="the output directory of a resolve run")
    run.add_argument("a", metavar="A", help="an article id")
    run.add_argument("b", metavar="B", help="another article id")
    run.add_argument("--json", action="store_true", help="print the contributions as JSON")
    run.set_defaults(handler=_explain)


def _add_eval(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "eval",
        help="score a resolve run against gold labels",
        description=(
            "Pairwise and B-cubed P/R/F1, ARI, V-measure, pair completeness and a threshold sweep; "
            "writes OUT_DIR/eval.json."
        ),
    )
    run.add_argument("out_dir", metavar="OUT_DIR", help="the output directory of a resolve run")
    run.add_argument(
        "gold", metavar="GOLD.jsonl", help="JSON lines with 'id' and 'incident_id' keys"
    )
    run.set_defaults(handler=_eval)


def _add_add(commands: _Subparsers[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "add",
        help="add articles to a case store",
        description="Resolve new articles against a case store (created if missing), in one transaction.",
    )
    run.add_argument("--db", required=True, metavar="FILE", help="the case store (SQLite file)")
    _add_inputs(
        run,
        config_help="config of a new store (.json or .toml)",
        verbose_help="log what the add did",
    )
    run.add_argument(
        "--workers", type=int, metavar="N", help="processes for cleaning and extraction (default 1)"
    )
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
_COMMANDS = (
    _add_resolve,
    _add_report,
    _add_explain,
    _add_eval,
    _add_add,
    _add_cases,
    _add_history,
)


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
    if args.engine == "spark":
        return _resolve_on_spark(args, config)
    # JSONL texts stay on disk until the workers read them: a large corpus need not fit in memory.
    batch = read_articles(*args.inputs, lazy=None)
    resolution = resolve(batch, config)
    out = resolution.write(args.out, scored_pairs=args.scored_pairs)
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


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        msg = f"cannot read {str(path)!r}: {error}; pass the output directory of `caselink resolve`"
        raise InputError(msg) from error
    try:
        return [json.loads(line) for line in lines if line.strip()]
    except ValueError as error:
        msg = f"{str(path)!r} is not JSON lines ({error})"
        raise InputError(msg) from error


def _run_output(out_dir: str) -> tuple[dict[str, str], list[ScoredPair], bool]:
    """The run's assignments and scored pairs, and whether those are every scored pair.

    ``scored_pairs.jsonl`` (``resolve --scored-pairs``) has every scored pair; without it only the
    links of ``pairs.jsonl`` are known.
    """
    out = Path(out_dir)
    assignments = {
        str(r["article_id"]): str(r["case_id"]) for r in _read_jsonl(out / "assignments.jsonl")
    }
    every = (out / "scored_pairs.jsonl").is_file()
    pairs = [
        ScoredPair(
            r["a"],
            r["b"],
            float(r["match_weight"]),
            float(r["probability"]),
            [
                Contribution(c["field"], c["level"], float(c["weight"]), c.get("detail", ""))
                for c in r["contributions"]
            ],
            r.get("rules", ()),
        )
        for r in _read_jsonl(out / ("scored_pairs.jsonl" if every else "pairs.jsonl"))
    ]
    return assignments, pairs, every


def _explain(args: argparse.Namespace) -> int:
    assignments, pairs, every = _run_output(args.out_dir)
    for aid in (args.a, args.b):
        if aid not in assignments:
            msg = f"article {aid!r} is not in {args.out_dir}/assignments.jsonl; check the id"
            raise InputError(msg)
    same = assignments[args.a] == assignments[args.b]
    key = pair_key(args.a, args.b)
    scored = next((p for p in pairs if p.key == key), None)
    verdict = "same case" if same else "different cases"
    if scored is None and every:
        sentence = (
            f"{verdict}: {args.a} and {args.b} were never compared (no shared text or field key)"
        )
    elif scored is None:
        sentence = (
            f"{verdict}: {args.a} and {args.b} are not linked (never compared, or scored below "
            "the link threshold; run `caselink resolve --scored-pairs` to keep every scored pair)"
        )
    else:
        sentence = f"{verdict}: {scored.explain()}"
    if args.json:
        payload = Explanation(args.a, args.b, same, scored, sentence).to_dict()
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(sentence)
    return 0


def _eval(args: argparse.Namespace) -> int:
    assignments, pairs, every = _run_output(args.out_dir)
    rows = _read_jsonl(Path(args.gold))
    try:
        gold = {str(r["id"]): str(r["incident_id"]) for r in rows}
    except KeyError as error:
        msg = f"every line of {args.gold!r} needs 'id' and 'incident_id', missing {error}"
        raise InputError(msg) from error
    report = evaluate(gold, assignments, pairs)
    # Pair completeness and the sweep read every scored pair; links alone understate both.
    report["scored_pairs"] = "every scored pair" if every else "links only (no scored_pairs.jsonl)"
    out = Path(args.out_dir) / "eval.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    pw, b3 = report["pairwise"], report["b_cubed"]
    print(
        f"articles {report['articles']}  gold cases {report['gold_cases']}  "
        f"predicted cases {report['predicted_cases']}\n"
        f"ARI {report['ari']:.4f}  V-measure {report['v_measure']['v_measure']:.4f}  "
        f"pair completeness {report['pair_completeness']:.4f}\n"
        f"pairwise P {pw['precision']:.4f} R {pw['recall']:.4f} F1 {pw['f1']:.4f}\n"
        f"B-cubed  P {b3['precision']:.4f} R {b3['recall']:.4f} F1 {b3['f1']:.4f}"
    )
    print(f"threshold  pairs  precision  recall  f1    ({report['scored_pairs']})")
    for row in report["threshold_sweep"]:
        print(
            f"{row['threshold']:9.2f} {int(row['pairs']):6d} {row['precision']:10.4f} "
            f"{row['recall']:7.4f} {row['f1']:.4f}"
        )
    print(f"wrote {out}")
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
    except BrokenPipeError:
        # The reader went away (`caselink cases ... | head`): stop quietly, like other Unix tools.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout must stay open until exit
        return 0
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
