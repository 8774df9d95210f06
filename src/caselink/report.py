"""The case report: one self-contained HTML file to read cases as people, not as JSON.

    caselink report OUT_DIR -o report.html

The report lists every case (largest first) with a search box, and for each case: its canonical facts
with the articles each came from, a timeline of its articles, and for every link the explanation of
the score (the per-field contributions). It reads the files `caselink resolve` writes (``cases.jsonl``,
``pairs.jsonl``, ``assignments.jsonl``, ``manifest.json``), or takes a `Resolution` directly.

Safety: article titles, outlets and extracted values come from third-party feeds, so every piece of
text is HTML-escaped (`caselink._html.esc`); nothing from the data is placed inside the script. As a
second line of defence the page carries a Content-Security-Policy that allows only its own inline
script (pinned by its SHA-256 hash), inline styles and ``data:`` images: even a missed escape could not
run a script, and the page makes no network requests.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from caselink._html import FACT_ORDER, display_value, esc, fact_line
from caselink.errors import InputError
from caselink.models import Resolution

__all__ = ["read_output", "render_report", "report_html", "write_report"]

logger = logging.getLogger(__name__)

# Links shown with their per-field table in each case; the rest get their one-line explanation, so a
# chained case with thousands of links still renders in seconds.
_DETAILED_LINKS = 3

_REQUIRED = ("assignments.jsonl", "cases.jsonl", "pairs.jsonl", "manifest.json")

_SCRIPT = """
(function () {
  "use strict";
  var q = document.getElementById("q");
  var multi = document.getElementById("multi");
  var count = document.getElementById("count");
  var cases = Array.prototype.slice.call(document.querySelectorAll("article.case"));
  var text = cases.map(function (c) { return c.textContent.toLowerCase(); });
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    cases.forEach(function (c, i) {
      var ok = (!multi.checked || Number(c.dataset.size) > 1) &&
        words.every(function (w) { return text[i].indexOf(w) >= 0; });
      c.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + cases.length + " cases shown";
  }
  var timer = null;
  q.addEventListener("input", function () {
    clearTimeout(timer);
    if (cases.length > 500) { timer = setTimeout(apply, 150); } else { apply(); }
  });
  multi.addEventListener("change", apply);
  apply();
}());
"""

_STYLE = """
:root { --fg: #1d232a; --muted: #5f6b76; --line: #dde3e8; --pos: #17692e; --neg: #a1261b;
        --accent: #1f5fa8; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       margin: 0; background: var(--bg); }
header { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid var(--line);
         padding: 12px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary, .meta, .muted { color: var(--muted); }
.summary { margin: 0 0 8px; font-size: 13px; }
.controls { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
#q { flex: 1 1 360px; max-width: 560px; padding: 6px 10px; font-size: 15px; border: 1px solid #b9c3cc;
     border-radius: 6px; }
main { padding: 16px 24px; max-width: 1180px; }
[hidden] { display: none !important; }
article.case { content-visibility: auto; contain-intrinsic-size: auto 320px;
               background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
               margin: 0 0 14px; }
article.case h2 { font-size: 16px; margin: 0; }
.cid { font: 12px ui-monospace, monospace; color: var(--muted); font-weight: normal; margin-left: 6px; }
.meta { font-size: 13px; margin: 2px 0 6px; }
.facts { margin: 0 0 6px; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--accent); font-size: 13px; font-weight: 600; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
code, .aid { font: 12px ui-monospace, monospace; }
.aid { white-space: nowrap; }
.conflict { color: var(--neg); font-weight: 600; }
ol.more { font-size: 13px; padding-left: 20px; }
ol.timeline { list-style: none; padding: 0; margin: 6px 0; font-size: 13px; }
ol.timeline li { padding: 2px 0; display: grid; grid-template-columns: 150px 96px 1fr; gap: 6px; }
.track { position: relative; height: 14px; margin: 8px 6px 4px; border-top: 2px solid var(--line); }
.dot { position: absolute; top: -7px; width: 12px; height: 12px; margin-left: -6px; border-radius: 6px;
       background: var(--accent); border: 2px solid #fff; }
time { font-variant-numeric: tabular-nums; }
.kind { color: var(--muted); }
.link { border-left: 3px solid var(--line); padding: 2px 0 2px 10px; margin: 8px 0; }
.explanation { margin: 2px 0; font-size: 13px; }
.p { font-weight: 600; }
.w { font-variant-numeric: tabular-nums; white-space: nowrap; width: 60px; }
.pos { color: var(--pos); } .neg { color: var(--neg); }
.bar { display: inline-block; height: 8px; border-radius: 2px; vertical-align: middle; }
.bar.pos { background: #6fbf87; } .bar.neg { background: #e59a92; }
footer { padding: 8px 24px 24px; font-size: 12px; color: var(--muted); }
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            msg = (
                f"line {number} of {str(path)!r} is not JSON ({error.msg}); "
                "re-run caselink resolve to rewrite the output directory"
            )
            raise InputError(msg, source=str(path), line=number) from error
    return rows


def read_output(
    out_dir: str | Path,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str], dict[str, Any]]:
    """Read what `caselink resolve` wrote: ``(cases, links, assignments, manifest)``.

    Raises:
        InputError: when ``out_dir`` is not an output directory of ``caselink resolve``.
    """
    out = Path(out_dir)
    missing = [name for name in _REQUIRED if not (out / name).is_file()]
    if missing:
        msg = (
            f"{str(out)!r} is not a caselink output directory: missing {', '.join(missing)}; "
            f"run `caselink resolve INPUT --out {out}` first"
        )
        raise InputError(msg, source=str(out))
    cases = _read_jsonl(out / "cases.jsonl")
    links = _read_jsonl(out / "pairs.jsonl")
    assignments = {
        str(row["article_id"]): str(row["case_id"])
        for row in _read_jsonl(out / "assignments.jsonl")
    }
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return cases, links, assignments, manifest


def _field_order(fields: Mapping[str, Any]) -> list[str]:
    """Canonical fields in reading order, whatever order the input mapping had."""
    return [n for n in FACT_ORDER if n in fields] + sorted(n for n in fields if n not in FACT_ORDER)


def _fields_table(case: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    fields: Mapping[str, Any] = case.get("fields") or {}
    if not fields:
        return '<p class="muted">No facts were extracted from these articles.</p>'
    rows = []
    for name in _field_order(fields):
        field = fields[name]
        ids = field.get("article_ids") or []
        stated = ", ".join(
            f'<span class="aid" title="{esc(titles.get(aid, ""))}">{esc(aid)}</span>' for aid in ids
        )
        alternatives = ", ".join(
            f"{esc(display_value(alt.get('value')))} ({esc(alt.get('support'))})"
            for alt in field.get("alternatives") or []
        )
        conflict = ' <span class="conflict">conflict</span>' if field.get("conflict") else ""
        rows.append(
            f"<tr><td>{esc(name)}</td><td><b>{esc(display_value(field.get('value')))}</b>{conflict}</td>"
            f"<td>{stated}</td><td>{alternatives}</td></tr>"
        )
    return (
        '<table class="fields"><thead><tr><th>fact</th><th>value</th><th>stated by</th>'
        f"<th>also seen (articles)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _timeline(case: Mapping[str, Any]) -> str:
    entries: Sequence[Mapping[str, Any]] = case.get("timeline") or [
        {"article_id": aid} for aid in case.get("article_ids") or []
    ]
    days = [d for e in entries if (d := _day(e.get("date"))) is not None]
    track = ""
    if len(days) > 1:
        first, span = min(days), max((max(days) - min(days)).days, 1)
        dots = "".join(
            f'<span class="dot" style="left:{100 * (d - first).days / span:.1f}%"></span>'
            for d in days
        )
        track = f'<div class="track" aria-hidden="true">{dots}</div>'
    first_day = min(days) if days else None
    items = []
    for entry in entries:
        day = _day(entry.get("date"))
        offset = f" (+{(day - first_day).days} d)" if day and first_day and day != first_day else ""
        items.append(
            f"<li><span><time>{esc(day.isoformat() if day else 'undated')}</time>{esc(offset)}</span>"
            f'<span class="kind">{esc(entry.get("kind") or "")}</span><span>'
            f"<b>{esc(entry.get('source') or 'unknown outlet')}</b> — "
            f"{esc(entry.get('title') or '(no title)')} "
            f'<span class="aid muted">{esc(entry.get("article_id"))}</span></span></li>'
        )
    return f'{track}<ol class="timeline">{"".join(items)}</ol>'


def _link(link: Mapping[str, Any]) -> str:
    contributions = sorted(
        link.get("contributions") or [],
        key=lambda c: (-abs(float(c.get("weight") or 0.0)), str(c.get("field"))),
    )
    scale = max((abs(float(c.get("weight") or 0.0)) for c in contributions), default=1.0) or 1.0
    rows = []
    for c in contributions:
        weight = float(c.get("weight") or 0.0)
        sign = "pos" if weight > 0 else ("neg" if weight < 0 else "muted")
        width = round(60 * abs(weight) / scale)
        rows.append(
            f'<tr><td class="w {sign}">{weight:+.1f}</td>'
            f'<td><span class="bar {sign}" style="width:{width}px"></span></td>'
            f"<td>{esc(c.get('field'))}</td><td>{esc(c.get('level'))}</td>"
            f"<td>{esc(c.get('detail'))}</td></tr>"
        )
    explanation = link.get("explanation") or ""
    probability = float(link.get("probability") or 0.0)
    weight = float(link.get("match_weight") or 0.0)
    rules = ", ".join(str(r) for r in link.get("rules") or []) or "-"
    return (
        f'<div class="link"><p class="explanation"><span class="p">{esc(link.get("a"))} ~ '
        f"{esc(link.get('b'))}</span>: p={probability:.3f}, weight {weight:+.1f} bits "
        f'<span class="muted">(proposed by {esc(rules)})</span></p>'
        f'<p class="explanation why">{esc(explanation)}</p>'
        f"<table><thead><tr><th>bits</th><th></th><th>field</th><th>level</th><th>detail</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _links(links: Sequence[Mapping[str, Any]]) -> str:
    """Every link's explanation; the per-field table for the strongest few, sentences for the rest."""
    if not links:
        return ""
    ordered = sorted(
        links,
        key=lambda x: (-float(x.get("match_weight") or 0.0), str(x.get("a")), str(x.get("b"))),
    )
    detailed, rest = ordered[:_DETAILED_LINKS], ordered[_DETAILED_LINKS:]
    more = (
        f"<details><summary>{len(rest)} more link{'s' * (len(rest) != 1)}, weakest last</summary>"
        '<ol class="more">'
        + "".join(f'<li class="explanation">{esc(x.get("explanation") or "")}</li>' for x in rest)
        + "</ol></details>"
        if rest
        else ""
    )
    return (
        f"<details open><summary>Why these articles are one case ({len(links)} "
        f"link{'s' * (len(links) != 1)})</summary>{''.join(_link(x) for x in detailed)}{more}</details>"
    )


def _case(case: Mapping[str, Any], links: Sequence[Mapping[str, Any]]) -> str:
    article_ids = list(case.get("article_ids") or [])
    size = len(article_ids)
    outlets = list(case.get("outlets") or [])
    titles = {
        str(e.get("article_id")): f"{e.get('source') or '?'} — {e.get('title') or ''}"
        for e in case.get("timeline") or []
    }
    first, last = case.get("first_seen"), case.get("last_seen")
    span = f"{first} → {last}" if first and last and first != last else (first or "undated")
    facts = fact_line(
        {name: f.get("value") for name, f in (case.get("fields") or {}).items()}, limit=5
    )
    open_attr = " open" if size > 1 else ""
    links_html = _links(links)
    return (
        f'<article class="case" id="{esc(case.get("case_id"))}" data-size="{size}">'
        f"<h2>{esc(case.get('headline') or '(no headline)')}"
        f'<span class="cid">{esc(case.get("case_id"))}</span></h2>'
        f'<p class="meta">{size} article{"s" if size != 1 else ""} · {len(outlets)} outlet'
        f"{'s' if len(outlets) != 1 else ''} ({esc(', '.join(outlets) or 'unknown')}) · "
        f"{esc(span)}</p>"
        f'<p class="facts">{esc(facts)}</p>'
        f"<details{open_attr}><summary>Facts and where they came from</summary>"
        f"{_fields_table(case, titles)}</details>"
        f"<details{open_attr}><summary>Timeline</summary>{_timeline(case)}</details>"
        f"{links_html}</article>"
    )


def render_report(
    cases: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]],
    *,
    assignments: Mapping[str, str] | None = None,
    manifest: Mapping[str, Any] | None = None,
    title: str = "caselink case report",
) -> str:
    """Render the report from case and link records in the format of ``cases.jsonl``/``pairs.jsonl``.

    Args:
        cases: case records (`Case.to_dict` rows).
        links: the links (`ScoredPair.to_dict` rows); each is shown under the case of its articles.
        assignments: article id -> case id; derived from ``cases`` when omitted.
        manifest: the run manifest, for the summary line (counts, version).
        title: the page title.

    Returns:
        The whole HTML document.

    Examples:
        >>> page = render_report([{"case_id": "c1", "headline": "<b>x</b>", "article_ids": ["a"]}], [])
        >>> "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
        True
    """
    case_of = dict(assignments or {})
    for case in cases:
        for aid in case.get("article_ids") or []:
            case_of.setdefault(str(aid), str(case.get("case_id")))
    links_by_case: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for link in links:
        cid = case_of.get(str(link.get("a")))
        if cid is not None and cid == case_of.get(str(link.get("b"))):
            links_by_case[cid].append(link)
        else:
            logger.debug(
                "link %s ~ %s joins no single case; left out", link.get("a"), link.get("b")
            )
    ordered = sorted(cases, key=lambda c: (-len(c.get("article_ids") or []), str(c.get("case_id"))))
    counts: Mapping[str, Any] = (manifest or {}).get("counts") or {}
    articles = counts.get("articles", len(case_of))
    multi = sum(1 for c in cases if len(c.get("article_ids") or []) > 1)
    version = (manifest or {}).get("caselink_version") or ""
    summary = (
        f"{articles} articles · {len(cases)} cases ({multi} with several articles) · "
        f"{len(links)} links · {counts.get('rejects', 0)} rejected records"
        + (f" · caselink {version}" if version else "")
    )
    body = "".join(_case(c, links_by_case.get(str(c.get("case_id")), [])) for c in ordered)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp())}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><p class="summary">{esc(summary)}</p>'
        '<div class="controls"><input id="q" type="search" autocomplete="off" '
        'placeholder="Search cases: officer, place, force, outlet, title, case id…" '
        'aria-label="Search cases">'
        '<label><input id="multi" type="checkbox"> only cases with several articles</label>'
        '<span id="count" class="muted"></span></div></header>'
        f'<main id="cases">{body}</main>'
        "<footer>Every value is escaped text from the input articles; weights are in bits "
        "(log2 likelihood ratios): green for agreement, red for disagreement.</footer>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def report_html(resolution: Resolution, *, title: str = "caselink case report") -> str:
    """Render the report of a `Resolution` (the same page `caselink report` writes).

    Examples:
        >>> import caselink
        >>> res = caselink.resolve([{"id": "a", "title": "<script>x</script>", "text": "..."}])
        >>> "&lt;script&gt;x&lt;/script&gt;" in report_html(res)
        True
    """
    return render_report(
        [c.to_dict() for c in resolution.cases],
        [p.to_dict() for p in resolution.links],
        assignments=resolution.assignments(),
        manifest=resolution.manifest,
        title=title,
    )


def write_report(
    source: str | Path | Resolution,
    output: str | Path,
    *,
    title: str = "caselink case report",
) -> Path:
    """Write the HTML report of an output directory of ``caselink resolve``, or of a `Resolution`.

    Args:
        source: the directory ``caselink resolve --out`` wrote, or a `Resolution`.
        output: the HTML file to write (its directory is created if missing).
        title: the page title.

    Returns:
        The path written.

    Raises:
        InputError: when ``source`` is not an output directory of ``caselink resolve``.

    Examples:
        >>> write_report("out", "report.html")  # doctest: +SKIP
        PosixPath('report.html')
    """
    if isinstance(source, Resolution):
        page = report_html(source, title=title)
    else:
        cases, links, assignments, manifest = read_output(source)
        page = render_report(cases, links, assignments=assignments, manifest=manifest, title=title)
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
