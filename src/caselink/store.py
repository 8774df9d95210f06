"""The case store: an incremental, crash-safe SQLite home for cases with stable ids and lineage.

Feeds arrive every hour and users keep case ids in their notes, so the store resolves each new batch
against what it holds instead of starting over::

    store = CaseStore.open("cases.db")
    report = store.add(read_articles("monday.jsonl"))   # one transaction
    store.case("case-1a2b3c4d5e6f")                     # also resolves ids merged away

How an add works. The corpus-level state (`caselink.pipeline.FittedState`: boilerplate sentences,
term model, scoring model, the counts of blocking keys and terms, and the document counts behind
term-frequency adjustment) is fitted on the first batch, or supplied, and then held fixed and
recorded in the store. With fixed counts every blocking rule, every score and every clustering
decision inside a link component depends on the articles concerned alone, which is what makes the
add incremental and equal to ``resolve(corpus, state=store.state)``:

1. **Profile.** New and changed articles go through the stage functions of `caselink.resolve`
   (`caselink.pipeline.profile_articles`: clean, extract, shingle, term vectors), on
   ``workers`` processes.
2. **Block.** An open store keeps one `caselink.blocking.CandidateIndex`, built with the state's
   counts. Its streaming `add` queries the batch against everything indexed, then inserts it, so it
   returns exactly the new-vs-stored and new-vs-new candidate pairs. A changed article is discarded
   from the index (a tombstone) and added again at a new position.
3. **Score.** Only those pairs are compared and scored (`caselink.pipeline.score_columns`, the batch
   path of `resolve`, with the state's model and document frequencies), against the profiles of
   the stored partners.
4. **Cluster.** The link components (pairs at the clustering's link level, density shift included)
   that hold a new or changed article, closed under current case membership, are re-clustered with
   `caselink.cluster.cluster_articles` on every stored pair among them. Main's clustering decides
   each link component on its own, so nothing else can change.

What is stored, and why (about 5 KB per article of 2 KB text, text included; see
`benchmarks/bench_store.py`):

* each article's text (zlib), its fields and term vector (zlib JSON) and its MinHash signature:
  later adds compare new articles with it, and `CaseStore.case` builds the full record from them;
* each article's pairs with earlier-indexed articles, one row per article: partners as position
  deltas and match weights as float64 (clustering sums them, so they are kept to the last bit, as
  `resolve` has them), zlib-compressed; with ``[cluster] conflict_levels`` a flag per pair. No
  contributions: a change's reasons are explained when it is recorded, from the profiles;
* the links (pairs at the link level) as rows, to find link components without reading pairs;
* the candidate index as one array blob per add (`CandidateIndex.export`), restored on open
  (`CandidateIndex.restore`) instead of blocking every stored article again; a caselink whose index
  has other parts rebuilds it from the stored profiles once;
* cases, aliases, history and rejects as rows.

Opening a store written by an older schema migrates it in place (version 1 kept every pair and every
blocking key as a row). Stored pairs keep the scores they were stored with: a newer caselink whose
blocking or scoring differs pairs and scores new articles its way, and does not re-score old pairs.

Stable ids (the lineage rules):

* A case's *anchor* is its oldest article: the one ingested first (within a batch, the smallest id).
* After re-clustering, a cluster takes the id of the old case whose anchor it holds. When it holds
  the anchors of several old cases, they **merged**: the case with the oldest anchor keeps its id
  (the older case survives) and the others become aliases that still resolve (`CaseStore.case`).
* When an old case's articles end up in several clusters it was **split**: the part holding its
  anchor keeps the id; the other parts join other cases or get new ids.
* A cluster holding no old anchor is a new case, named by `caselink.cluster.incident_id` (so a
  single add to an empty store gives the ids of `resolve`), with ``-2``, ``-3``... added if that id
  was ever used.

Every create, grow, merge, split and article update is recorded in the history with its time, batch
and reason (the pairs that caused it, each with the values behind its levels). Ingest is idempotent:
an article with a known id and the same content hash changes nothing; with a changed content hash
it is an update (re-profiled, re-paired, its component re-clustered, and recorded).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import logging
import sqlite3
import struct
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink._types import ArticleId, CaseId
from caselink.blocking import RULES, CandidateIndex
from caselink.canonical import build_case
from caselink.cluster import cluster_articles, pair_bits
from caselink.config import BlockingConfig, Config
from caselink.errors import StoreError
from caselink.ingest import Ingested, read_records
from caselink.models import (
    Article,
    ArticleFields,
    Candidates,
    Case,
    Contribution,
    Incident,
    Mention,
    Profile,
    Reject,
    ScoredPair,
    ScoredPairs,
    Signature,
    TermVector,
    pair_probabilities,
)
from caselink.pipeline import FittedState, fit_state, profile_articles, score_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA_VERSION", "AddReport", "CaseStore", "CaseSummary", "HistoryEvent"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""The schema version this release writes; older stores are migrated on open."""

_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE batches (batch INTEGER PRIMARY KEY, at TEXT NOT NULL, added INTEGER NOT NULL,
       updated INTEGER NOT NULL, unchanged INTEGER NOT NULL, rejected INTEGER NOT NULL)""",
    """CREATE TABLE articles (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
       content_hash TEXT NOT NULL, published TEXT, source TEXT, title TEXT NOT NULL,
       case_id TEXT NOT NULL,
       batch INTEGER NOT NULL, body BLOB NOT NULL, fields BLOB NOT NULL, sig BLOB NOT NULL,
       shingles INTEGER NOT NULL)""",
    "CREATE INDEX articles_case ON articles(case_id)",
    """CREATE TABLE lsh (bucket INTEGER NOT NULL, seq INTEGER NOT NULL,
       PRIMARY KEY (bucket, seq)) WITHOUT ROWID""",
    """CREATE TABLE keys (key INTEGER NOT NULL, seq INTEGER NOT NULL,
       PRIMARY KEY (key, seq)) WITHOUT ROWID""",
    """CREATE TABLE terms (term INTEGER NOT NULL, seq INTEGER NOT NULL,
       PRIMARY KEY (term, seq)) WITHOUT ROWID""",
    """CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, weight REAL NOT NULL,
       probability REAL NOT NULL, contributions BLOB NOT NULL, rules INTEGER NOT NULL,
       PRIMARY KEY (a, b)) WITHOUT ROWID""",
    "CREATE INDEX pairs_b ON pairs(b)",
    "CREATE TABLE links (x INTEGER NOT NULL, y INTEGER NOT NULL, PRIMARY KEY (x, y)) WITHOUT ROWID",
    """CREATE TABLE cases (id TEXT PRIMARY KEY, anchor INTEGER NOT NULL, size INTEGER NOT NULL,
       first_seen TEXT, last_seen TEXT, headline TEXT NOT NULL, created_batch INTEGER NOT NULL,
       updated_batch INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX cases_updated ON cases(updated_at)",
    """CREATE TABLE aliases (old_id TEXT PRIMARY KEY, case_id TEXT NOT NULL,
       batch INTEGER NOT NULL, at TEXT NOT NULL)""",
    """CREATE TABLE history (event INTEGER PRIMARY KEY, batch INTEGER NOT NULL, at TEXT NOT NULL,
       kind TEXT NOT NULL, case_id TEXT NOT NULL, detail BLOB NOT NULL)""",
    """CREATE TABLE history_cases (case_id TEXT NOT NULL, event INTEGER NOT NULL,
       PRIMARY KEY (case_id, event)) WITHOUT ROWID""",
    """CREATE TABLE rejects (batch INTEGER NOT NULL, source TEXT, line INTEGER, article_id TEXT,
       field TEXT, reason TEXT NOT NULL)""",
)
"""Version 1: every pair a row with its contributions, and the blocking keys as rows."""

_V2_TABLES = (
    # Narrow article rows: case ids change on every re-clustering, texts and profiles never do.
    """CREATE TABLE articles2 (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
       pos INTEGER NOT NULL, content_hash TEXT NOT NULL, published TEXT, source TEXT,
       title TEXT NOT NULL, case_id TEXT NOT NULL, batch INTEGER NOT NULL)""",
    "CREATE TABLE texts (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)",
    """CREATE TABLE profiles (seq INTEGER PRIMARY KEY, fields BLOB NOT NULL, sig BLOB NOT NULL,
       shingles INTEGER NOT NULL)""",
    "CREATE TABLE pairs2 (pos INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE links2 (x INTEGER NOT NULL, y INTEGER NOT NULL, PRIMARY KEY (x, y)) WITHOUT ROWID",
    "CREATE TABLE index_parts (part INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    """INSERT INTO articles2 SELECT seq, id, ROW_NUMBER() OVER (ORDER BY seq) - 1, content_hash,
       published, source, title, case_id, batch FROM articles""",
    "INSERT INTO texts SELECT seq, body FROM articles",
    "INSERT INTO profiles SELECT seq, fields, sig, shingles FROM articles",
)


# Blocking settings added after stores were first written, with the values that reproduce how a
# store written before them blocks (its fixed counts and its stored index have no keys for them).
_SETTINGS_BEFORE = {"name_long_window_days": 0, "term_long_gap_days": 0}


def _as_created(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored config with the settings it predates set as the caselink that wrote it behaved.

    A stored config holds every setting of its caselink (``Config.to_dict``), so a missing one is
    newer than the store; its default would change how the store pairs new articles with old ones.
    """
    blocking = dict(stored.get("blocking", {}))
    for name, value in _SETTINGS_BEFORE.items():
        blocking.setdefault(name, value)
    blocking.setdefault(
        "max_plain_name_block_size",
        blocking.get("max_name_block_size", BlockingConfig().max_name_block_size),
    )
    return {**stored, "blocking": blocking}


def _to_v2(db: sqlite3.Connection) -> None:
    """Version 1 to 2: narrow article rows, pairs as one compact row per article, the index as arrays."""
    for statement in _V2_TABLES:
        db.execute(statement)
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if "state" in meta:
        config = Config.from_dict(json.loads(meta["config"]))
        state = FittedState.from_dict(json.loads(meta["state"]))
        wanted = _conflict_levels(config)
        rank = dict(db.execute("SELECT seq, pos FROM articles2"))
        found: dict[int, list[tuple[int, float, bool]]] = defaultdict(list)
        for a, b, weight, blob in db.execute("SELECT a, b, weight, contributions FROM pairs"):
            conflict = bool(wanted) and any((f, lv) in wanted for f, lv, *_ in _unpack(blob))
            x, y = sorted((rank[a], rank[b]))
            found[y].append((x, float(weight), conflict))
        for y, rows in found.items():
            rows.sort()
            x = np.array([r[0] for r in rows], dtype=np.int64)
            w = np.array([r[1] for r in rows], dtype=np.float64)
            flags = np.array([r[2] for r in rows], dtype=bool) if wanted else None
            db.execute("INSERT INTO pairs2 VALUES (?, ?)", (y, _pack_pairs(x, w, flags)))
            db.executemany(
                "INSERT INTO links2 VALUES (?, ?)",
                [(p, y) for p in x[_links(w, config, state)].tolist()],
            )
    for table in ("pairs", "links", "lsh", "keys", "terms", "articles"):
        db.execute(f"DROP TABLE {table}")
    for old, new in (("articles2", "articles"), ("pairs2", "pairs"), ("links2", "links")):
        db.execute(f"ALTER TABLE {old} RENAME TO {new}")
    db.execute("CREATE INDEX articles_case ON articles(case_id)")
    db.execute("DELETE FROM meta WHERE key = 'rules'")
    if "state" in meta:
        _rebuild_index(db, config, state)


_Migration = tuple[str, ...] | Callable[[sqlite3.Connection], None]

# Each entry upgrades a store from version ``i`` to ``i + 1`` (entry 0 creates the first schema).
_MIGRATIONS: tuple[_Migration, ...] = (_V1, _to_v2)

_CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds
_MAX_REASONS = 5  # pairs kept as the reason of one history event
_RUN_OPTIONS = ("progress", "workers")  # config keys that do not change results
# Decoded profiles an open store keeps, least recently used first to go: about 6 KB each, so a
# store of this many articles never decodes a profile twice in one process (0.3-0.6 ms each).
_PROFILE_CACHE = 150_000
# Regions (articles re-clustered) smaller than this are clustered in-process: a worker pool's
# start-up costs more than it saves on them, and the result does not depend on the worker count.
_POOLED_REGION = 20_000
_PAIRS_FORMAT = 1  # first byte of a pairs row


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _pack(data: Any) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def _unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


def _pack_pairs(
    partners: NDArray[np.int64], weights: NDArray[np.float64], flags: NDArray[np.bool_] | None
) -> bytes:
    """One article's pairs with earlier-indexed articles: sorted partner positions, weights, flags.

    Partners are stored as deltas (small numbers, which compress), weights as float64 (clustering
    must see the batch run's weights to the last bit).
    """
    deltas = np.diff(partners, prepend=0).astype("<u4")
    head = struct.pack("<BBI", _PAIRS_FORMAT, flags is not None, partners.size)
    body = deltas.tobytes() + weights.astype("<f8").tobytes()
    if flags is not None:
        body += np.packbits(flags).tobytes()
    return head + zlib.compress(body, 1)


def _unpack_pairs(
    blob: bytes,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_] | None]:
    version, flagged, n = struct.unpack_from("<BBI", blob)
    if version != _PAIRS_FORMAT:
        msg = f"pairs row format {version} is not one this caselink reads ({_PAIRS_FORMAT}); upgrade caselink"
        raise StoreError(msg)
    body = zlib.decompress(blob[6:])
    partners = np.cumsum(np.frombuffer(body, dtype="<u4", count=n), dtype=np.int64)
    weights = np.frombuffer(body, dtype="<f8", count=n, offset=4 * n).astype(np.float64)
    flags = None
    if flagged:
        bits = np.frombuffer(body, dtype=np.uint8, offset=12 * n)
        flags = np.unpackbits(bits, count=n).astype(bool)
    return partners, weights, flags


def _fields_to_json(fields: ArticleFields, terms: Sequence[tuple[str, float]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for attribute in attrs.fields(ArticleFields):
        value = getattr(fields, attribute.name)
        if attribute.name == "article_id" or value in ((), None):
            continue
        if isinstance(value, tuple):
            data[attribute.name] = [[m.text, m.norm, m.start, m.end, m.role] for m in value]
        else:
            data[attribute.name] = value
    if terms:
        data["_terms"] = [list(t) for t in terms]
    return data


def _fields_from_json(
    article_id: ArticleId, data: Mapping[str, Any]
) -> tuple[ArticleFields, TermVector]:
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "_terms":
            continue
        if isinstance(value, list):
            values[name] = tuple(Mention(t, n, s, e, r) for t, n, s, e, r in value)
        else:
            values[name] = value
    terms = TermVector(data.get("_terms", ()))
    return ArticleFields(article_id, **values), terms


def _conflict_levels(config: Config) -> set[tuple[str, str]]:
    """The ``(comparison, level)`` contributions clustering reads as cannot-links."""
    return {
        (name, label)
        for name, label in (level.split(":", 1) for level in config.cluster.conflict_levels)
    }


def _links(weights: NDArray[np.float64], config: Config, state: FittedState) -> NDArray[np.bool_]:
    """Which pairs are links (join link components): the test `cluster_articles` makes, shift included."""
    bits = pair_bits(pair_probabilities(weights))
    bits += state.density_shift
    found: NDArray[np.bool_] = bits >= pair_bits([config.cluster.threshold])[0]
    return found


def _load_parts(db: sqlite3.Connection) -> list[dict[str, NDArray[Any]]]:
    parts = []
    for (blob,) in db.execute("SELECT data FROM index_parts ORDER BY part"):
        with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
            parts.append({name: stored[name] for name in stored.files})
    return parts


def _save_part(db: sqlite3.Connection, arrays: Mapping[str, NDArray[Any]]) -> None:
    buffer = io.BytesIO()
    named: dict[str, Any] = dict(arrays)
    # Compressed: positions and weights shrink by about half (band keys and sketches do not).
    np.savez_compressed(buffer, **named)
    db.execute("INSERT INTO index_parts (data) VALUES (?)", (buffer.getvalue(),))


def _read_profiles(db: sqlite3.Connection, seqs: Iterable[int]) -> dict[int, Profile]:
    """Decode the stored profiles of articles by seq."""
    out: dict[int, Profile] = {}
    for chunk in _chunks(sorted(set(seqs))):
        for seq, aid, published, source, fields, sig, shingles in db.execute(
            "SELECT a.seq, a.id, a.published, a.source, p.fields, p.sig, p.shingles FROM articles a "
            f"JOIN profiles p ON p.seq = a.seq WHERE a.seq IN ({_marks(chunk)})",
            tuple(chunk),
        ):
            parsed, terms = _fields_from_json(aid, _unpack(fields))
            date = dt.date.fromisoformat(published) if published else None
            out[seq] = Profile(aid, date, source, parsed, Signature(aid, sig, shingles), terms)
    return out


def _rebuild_index(db: sqlite3.Connection, config: Config, state: FittedState) -> None:
    """Index every stored article again, in position order, and store the index as one part.

    Positions are renumbered densely first (articles, pairs and links follow), dropping the
    positions of replaced versions. Used when migrating, and when this caselink's index has parts
    the stored exports lack.
    """
    order = db.execute("SELECT seq, pos FROM articles ORDER BY pos").fetchall()
    renumber = {pos: rank for rank, (_seq, pos) in enumerate(order)}
    if any(pos != rank for pos, rank in renumber.items()):
        db.executemany(
            "UPDATE articles SET pos = ? WHERE seq = ?",
            [(renumber[pos], seq) for seq, pos in order],
        )
        rows = db.execute("SELECT pos, data FROM pairs").fetchall()
        db.execute("DELETE FROM pairs")
        for pos, blob in rows:
            if pos not in renumber:
                continue
            partners, weights, flags = _unpack_pairs(blob)
            live = np.array([int(p) in renumber for p in partners.tolist()], dtype=bool)
            moved = np.array([renumber[int(p)] for p in partners[live].tolist()], dtype=np.int64)
            order_new = np.argsort(moved, kind="stable")
            db.execute(
                "INSERT INTO pairs VALUES (?, ?)",
                (
                    renumber[pos],
                    _pack_pairs(
                        moved[order_new],
                        weights[live][order_new],
                        None if flags is None else flags[live][order_new],
                    ),
                ),
            )
        links = db.execute("SELECT x, y FROM links").fetchall()
        db.execute("DELETE FROM links")
        db.executemany(
            "INSERT INTO links VALUES (?, ?)",
            [
                tuple(sorted((renumber[x], renumber[y])))
                for x, y in links
                if x in renumber and y in renumber
            ],
        )
    index = CandidateIndex(config.blocking, counts=state.counts)
    seqs = [seq for seq, _pos in order]
    for chunk in _chunks(seqs):
        profiles = _read_profiles(db, chunk)
        index.add_codes([profiles[seq] for seq in chunk])
    db.execute("DELETE FROM index_parts")
    _save_part(db, index.export())


@attrs.frozen
class CaseSummary:
    """One stored case in brief (the full record with provenance comes from `CaseStore.case`).

    Attributes:
        case_id: the case's current id.
        size: how many articles it holds.
        first_seen: the earliest publication date among them.
        last_seen: the latest publication date among them.
        headline: the title chosen to name the case.
        created_at: when the store created the case (UTC, ISO 8601).
        updated_at: when the case last changed (UTC, ISO 8601).
    """

    case_id: CaseId
    size: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    headline: str
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as a JSON-ready mapping."""
        row = attrs.asdict(self)
        row["first_seen"] = self.first_seen.isoformat() if self.first_seen else None
        row["last_seen"] = self.last_seen.isoformat() if self.last_seen else None
        return row


@attrs.frozen
class HistoryEvent:
    """One recorded change to the cases.

    Attributes:
        event: the event's sequence number in the store.
        batch: the add that caused it.
        at: when (UTC, ISO 8601).
        kind: ``"create"``, ``"grow"``, ``"merge"``, ``"split"`` or ``"update"``.
        case_id: the case it concerns (for a merge, the surviving case).
        detail: the articles and cases involved and the reason: the pairs that caused it, each with
            its probability and explanation.
    """

    event: int
    batch: int
    at: str
    kind: Literal["create", "grow", "merge", "split", "update"]
    case_id: CaseId
    detail: Mapping[str, Any] = attrs.field(eq=False, hash=False)

    def describe(self) -> str:
        """Return the event as one readable line."""
        d = self.detail
        if self.kind == "merge":
            what = f"absorbed {', '.join(d['absorbed'])} (now aliases)"
        elif self.kind == "split":
            parts = ", ".join(f"{p['case_id']} <- {len(p['article_ids'])}" for p in d["parts"])
            what = f"split; articles moved: {parts}"
        elif self.kind == "update":
            what = f"article {d['article_id']} changed content"
        else:
            what = f"{len(d.get('article_ids', ()))} article(s): {', '.join(d.get('article_ids', ())[:5])}"
        reasons = d.get("reasons", ())
        why = f"; because {reasons[0]['explanation']}" if reasons else ""
        return f"{self.at} batch {self.batch} {self.kind} {self.case_id}: {what}{why}"


@attrs.frozen
class AddReport:
    """What one `CaseStore.add` did.

    Attributes:
        batch: the batch number recorded, or ``None`` when nothing changed.
        added: new articles stored.
        updated: known articles whose content changed.
        unchanged: known articles re-sent with the same content (ignored).
        rejects: records set aside, with reasons (nothing stored was touched by them).
        created: ids of new cases.
        grown: ids of existing cases that gained articles.
        merged: ``(surviving id, absorbed id)`` for every merge.
        split: ids of cases that lost articles to other cases.
        candidate_pairs: pairs compared in this add (new-vs-stored and new-vs-new).
        region: stored articles the new ones were compared with (the stored side of those pairs).
        reclustered: articles whose link components were re-clustered (new ones included).
        assignments: the case id of every article of the batch (new, updated or unchanged).
        seconds: wall time of the add.
        timings: seconds per phase: ``prepare`` (id look-up, loading the working set, fitting the
            state on a first batch), ``profile`` (clean, extract, shingle, term vectors), ``block``
            (index query and insert), ``load`` (the stored partners' profiles), ``compare_score``,
            ``write`` and ``recluster`` (with the history and its explanations).
    """

    batch: int | None
    added: int
    updated: int
    unchanged: int
    rejects: tuple[Reject, ...]
    created: tuple[CaseId, ...] = ()
    grown: tuple[CaseId, ...] = ()
    merged: tuple[tuple[CaseId, CaseId], ...] = ()
    split: tuple[CaseId, ...] = ()
    candidate_pairs: int = 0
    region: int = 0
    reclustered: int = 0
    assignments: Mapping[ArticleId, CaseId] = attrs.field(factory=dict, eq=False, hash=False)
    seconds: float = 0.0
    timings: Mapping[str, float] = attrs.field(factory=dict, eq=False, hash=False)

    def __str__(self) -> str:
        return (
            f"batch {self.batch}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejects)} rejected; {len(self.created)} new cases, {len(self.grown)} grown, "
            f"{len(self.merged)} merges, {len(self.split)} splits ({self.seconds:.2f} s)"
        )


@attrs.define
class _Change:
    """Mutable bookkeeping of one add; lives only inside `CaseStore.add`."""

    batch: int
    at: str
    created: list[CaseId] = attrs.field(factory=list)
    grown: list[CaseId] = attrs.field(factory=list)
    merged: list[tuple[CaseId, CaseId]] = attrs.field(factory=list)
    split: list[CaseId] = attrs.field(factory=list)
    timings: dict[str, float] = attrs.field(factory=dict)
    region: int = 0
    reclustered: int = 0
    clock: float = attrs.field(factory=time.perf_counter)

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = round(self.timings.get(phase, 0.0) + now - self.clock, 4)
        self.clock = now


@attrs.define(eq=False)
class _Working:
    """What an open store keeps in memory between adds; rebuilt when another handle has written.

    Positions are those of the candidate index: an article's position changes when its content
    does (the old one is discarded). ``seq`` is the article's row, whose order is the ingest order
    that anchors lineage.
    """

    batch: int
    index: CandidateIndex
    seq: dict[int, int] = attrs.field(factory=dict)
    article: dict[int, ArticleId] = attrs.field(factory=dict)
    case: dict[int, CaseId] = attrs.field(factory=dict)
    members: dict[CaseId, set[int]] = attrs.field(factory=lambda: defaultdict(set))
    links: dict[int, set[int]] = attrs.field(factory=lambda: defaultdict(set))
    profiles: collections.OrderedDict[int, Profile] = attrs.field(factory=collections.OrderedDict)

    def place(self, position: int, seq: int, article_id: ArticleId, case_id: CaseId) -> None:
        self.seq[position] = seq
        self.article[position] = article_id
        self.move(position, case_id)

    def move(self, position: int, case_id: CaseId) -> None:
        """Put a position in a case (``""``: none yet), leaving the one it was in."""
        old = self.case.get(position)
        if old:
            self.members[old].discard(position)
            if not self.members[old]:
                del self.members[old]
        self.case[position] = case_id
        if case_id:
            self.members[case_id].add(position)

    def forget(self, position: int) -> set[int]:
        """Drop a replaced position; return its former link partners."""
        self.move(position, "")
        del self.case[position], self.seq[position], self.article[position]
        self.profiles.pop(position, None)
        partners = self.links.pop(position, set())
        for other in partners:
            self.links[other].discard(position)
        return partners

    def cache(self, found: Mapping[int, Profile]) -> None:
        for position, profile in found.items():
            self.profiles[position] = profile
            self.profiles.move_to_end(position)
        while len(self.profiles) > _PROFILE_CACHE:
            self.profiles.popitem(last=False)


@attrs.frozen(eq=False)
class _Fresh:
    """The pairs scored in one add, as columns: positions ``x < y``, weights and conflict flags."""

    start: int
    x: NDArray[np.int64]
    y: NDArray[np.int64]
    weight: NDArray[np.float64]
    flags: NDArray[np.bool_] | None
    profiles: Mapping[int, Profile]

    @property
    def probability(self) -> NDArray[np.float64]:
        return pair_probabilities(self.weight)


@attrs.frozen(eq=False)
class _ConflictFlags:
    """Contributions of stored pairs for clustering: only whether a pair has a conflict level."""

    flags: NDArray[np.bool_]
    level: Contribution

    def contributions(
        self, index: NDArray[np.int64], *, details: bool | None = None
    ) -> list[tuple[Contribution, ...]]:
        del details  # only the flag is stored
        return [(self.level,) if flag else () for flag in self.flags[index].tolist()]


@attrs.define
class _Event:
    """A history event waiting for its reasons (explained together at the end of an add)."""

    kind: str
    case_id: CaseId
    involved: list[CaseId]
    detail: dict[str, Any]
    reasons: list[int] = attrs.field(factory=list)


class CaseStore:
    """An incremental case store on SQLite (WAL mode); open it with `CaseStore.open`.

    Examples:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "cases.db"
        >>> with CaseStore.open(path) as store:
        ...     report = store.add([
        ...         {"id": "a", "title": "PC Andrew Turner dismissed", "text": "The Met dismissed PC Andrew Turner."},
        ...         {"id": "c", "title": "Fire in Leeds", "text": "A fire broke out in Leeds."},
        ...     ])
        ...     later = store.add([{"id": "b", "title": "Met officer sacked",
        ...                         "text": "PC Andrew Turner was dismissed by the Met."}])
        ...     store.case_of("b").article_ids == ("a", "b"), later.grown == (report.assignments["a"],)
        (True, True)
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        config: Config,
        state: FittedState | None,
        workers: int,
    ) -> None:
        self._db = connection
        self.path = path
        self.config = config
        self._state = state
        self._workers = workers
        self._work: _Working | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls,
        path: str | Path,
        config: Config | None = None,
        *,
        state: FittedState | None = None,
        create: bool = True,
        workers: int | None = None,
    ) -> CaseStore:
        """Open (or create) the store at ``path``, migrating an older schema.

        Args:
            path: the database file.
            config: the configuration of a new store. An existing store keeps the configuration it
                was created with; passing a different one raises.
            state: the fixed corpus-level state of a new store; fitted on the first batch when
                omitted. An existing store keeps its own.
            create: create the file when missing; with ``False`` a missing store raises.
            workers: processes for the per-article stages (defaults to ``config.workers``).

        Raises:
            StoreError: when the file is missing (with ``create=False``), is not a caselink store,
                was written by a newer caselink, or was made with a different configuration.
        """
        file = Path(path)
        if not create and not file.exists():
            msg = f"no case store at {str(file)!r}; create one with `caselink add --db {file} INPUT...`"
            raise StoreError(msg)
        try:
            db = sqlite3.connect(file, isolation_level=None, timeout=60.0)
            # 4 KB pages: a re-clustering rewrites the scattered rows of the articles it moves, and
            # every page it touches goes to the write-ahead log whole (only takes effect on a new file).
            db.execute("PRAGMA page_size=4096")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA cache_size=-65536")
            db.execute("PRAGMA foreign_keys=ON")
            stored = cls._migrate(db, file)
        except sqlite3.DatabaseError as error:
            msg = f"{str(file)!r} is not a usable caselink store ({error}); pass another --db path"
            raise StoreError(msg) from error
        run_config = config or Config()
        if stored["config"] is None:
            cfg = run_config
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO meta VALUES ('config', ?)", (json.dumps(cfg.to_dict()),))
            if state is not None:
                db.execute("INSERT INTO meta VALUES ('state', ?)", (json.dumps(state.to_dict()),))
            db.execute("COMMIT")
        else:
            cfg = Config.from_dict(_as_created(stored["config"]))
            if config is not None and _core(config) != _core(cfg):
                db.close()
                msg = (
                    f"the store {str(file)!r} was created with another configuration; open it without a "
                    "config (it keeps its own) or create a new store for the new settings"
                )
                raise StoreError(msg)
            cfg = attrs.evolve(cfg, progress=run_config.progress, workers=run_config.workers)
            if stored["state"] is not None:
                state = stored["state"]
        return cls(db, file, cfg, state, workers or cfg.workers)

    @staticmethod
    def _migrate(db: sqlite3.Connection, file: Path) -> dict[str, Any]:
        db.execute("BEGIN IMMEDIATE")
        try:
            has_version = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).fetchone()
            if has_version is None:
                if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    msg = f"{str(file)!r} is an SQLite file but not a caselink store; pass another --db path"
                    raise StoreError(msg)
                db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                db.execute("INSERT INTO schema_version VALUES (0)")
            version = int(db.execute("SELECT version FROM schema_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                msg = (
                    f"the store {str(file)!r} has schema version {version}, newer than this caselink "
                    f"reads ({SCHEMA_VERSION}); upgrade caselink"
                )
                raise StoreError(msg)
            for step in _MIGRATIONS[version:]:
                if callable(step):
                    step(db)
                else:
                    for statement in step:
                        db.execute(statement)
            db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return {
            "config": json.loads(meta["config"]) if "config" in meta else None,
            "state": FittedState.from_dict(json.loads(meta["state"])) if "state" in meta else None,
        }

    def close(self) -> None:
        """Close the database."""
        self._work = None
        self._db.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<CaseStore {str(self.path)!r}: {len(self)} articles in {self.count_cases()} cases>"

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # ------------------------------------------------------------------ reading

    @property
    def state(self) -> FittedState | None:
        """The fixed corpus-level state (``None`` until the first add of a store created without one).

        Pass it to `caselink.resolve` (``state=``) to reproduce the store's partition in one run.
        """
        return self._state

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        return int(self._db.execute("SELECT version FROM schema_version").fetchone()[0])

    def disk_bytes(self) -> int:
        """Return the bytes the store occupies on disk, after folding the write-ahead log back in."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return store_size(self.path)

    def count_cases(self) -> int:
        """How many cases the store holds."""
        return int(self._db.execute("SELECT count(*) FROM cases").fetchone()[0])

    def pairs(self) -> dict[tuple[ArticleId, ArticleId], float]:
        """Return every stored pair (current versions of the articles) with its match weight.

        These are the candidate pairs of ``resolve(articles, state=store.state)`` with the weights
        it scores them with, which clustering reads.
        """
        ids = dict(self._db.execute("SELECT pos, id FROM articles").fetchall())
        found: dict[tuple[ArticleId, ArticleId], float] = {}
        for y, blob in self._db.execute("SELECT pos, data FROM pairs"):
            if y not in ids:
                continue
            partners, weights, _flags = _unpack_pairs(blob)
            for x, w in zip(partners.tolist(), weights.tolist(), strict=True):
                if x in ids:
                    a, b = sorted((ids[x], ids[y]))
                    found[a, b] = w
        return found

    def resolve_id(self, case_id: CaseId) -> CaseId:
        """Return the current id of ``case_id`` (itself, or the case it was merged into).

        Raises:
            KeyError: when the id was never a case of this store.
        """
        current = case_id
        for _ in range(1000):
            if self._db.execute("SELECT 1 FROM cases WHERE id = ?", (current,)).fetchone():
                return current
            row = self._db.execute(
                "SELECT case_id FROM aliases WHERE old_id = ?", (current,)
            ).fetchone()
            if row is None:
                break
            current = row[0]
        msg = f"no case {case_id!r} in {str(self.path)!r}; list the cases with `caselink cases --db {self.path}`"
        raise KeyError(msg)

    def case(self, case_id: CaseId) -> Case:
        """Return the full record of a case; an id merged away returns the case it merged into.

        Raises:
            KeyError: when the id was never a case of this store.
        """
        current = self.resolve_id(case_id)
        seqs = [
            r[0] for r in self._db.execute("SELECT seq FROM articles WHERE case_id = ?", (current,))
        ]
        articles, fields = self._load_articles(seqs)
        incident = Incident(current, [a.id for a in articles.values()])
        return build_case(incident, articles, fields, self.config.canonical)

    def case_of(self, article_id: ArticleId) -> Case:
        """Return the case holding an article.

        Raises:
            KeyError: when no stored article has that id.
        """
        row = self._db.execute(
            "SELECT case_id FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            msg = f"no article {article_id!r} in {str(self.path)!r}"
            raise KeyError(msg)
        return self.case(row[0])

    def cases(self, since: str | dt.date | dt.datetime | None = None) -> list[CaseSummary]:
        """Return every case in brief, or those created or changed at or after ``since``, by id."""
        query = (
            "SELECT id, size, first_seen, last_seen, headline, created_at, updated_at FROM cases"
        )
        params: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE updated_at >= ?"
            params = (since.isoformat() if not isinstance(since, str) else since,)
        rows = self._db.execute(query + " ORDER BY id", params).fetchall()
        return [
            CaseSummary(
                r[0],
                r[1],
                dt.date.fromisoformat(r[2]) if r[2] else None,
                dt.date.fromisoformat(r[3]) if r[3] else None,
                r[4],
                r[5],
                r[6],
            )
            for r in rows
        ]

    def assignments(self) -> dict[ArticleId, CaseId]:
        """Return the case id of every stored article."""
        return dict(self._db.execute("SELECT id, case_id FROM articles ORDER BY id").fetchall())

    def aliases(self, case_id: CaseId | None = None) -> dict[CaseId, CaseId]:
        """Return ids merged away and the current case each resolves to (only those of one case if given)."""
        rows = self._db.execute("SELECT old_id FROM aliases ORDER BY old_id").fetchall()
        resolved = {r[0]: self.resolve_id(r[0]) for r in rows}
        if case_id is None:
            return resolved
        current = self.resolve_id(case_id)
        return {old: new for old, new in resolved.items() if new == current}

    def history(self, case_id: CaseId) -> list[HistoryEvent]:
        """Return every event of a case and of the cases merged into it, oldest first.

        Raises:
            KeyError: when the id was never a case of this store.
        """
        current = self.resolve_id(case_id)
        ids = [current, *self.aliases(current)]
        events: dict[int, HistoryEvent] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                "SELECT h.event, h.batch, h.at, h.kind, h.case_id, h.detail FROM history h "
                f"JOIN history_cases c ON c.event = h.event WHERE c.case_id IN ({marks})",
                tuple(chunk),
            ):
                events[row[0]] = HistoryEvent(
                    row[0], row[1], row[2], row[3], row[4], _unpack(row[5])
                )
        return [events[k] for k in sorted(events)]

    def batches(self) -> list[dict[str, Any]]:
        """Return the committed batches with their counts, oldest first."""
        cols = ("batch", "at", "added", "updated", "unchanged", "rejected")
        rows = self._db.execute(f"SELECT {', '.join(cols)} FROM batches ORDER BY batch")
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def articles(self) -> Iterator[Article]:
        """Yield every stored article (as given, text included), in ingest order."""
        for (body,) in self._db.execute("SELECT body FROM texts ORDER BY seq"):
            yield Article.from_mapping(_unpack(body))

    def export(self, path: str | Path, format: Literal["jsonl", "csv"] = "jsonl") -> Path:
        """Write the cases to ``path``.

        ``jsonl`` writes one full case record per line (as in ``cases.jsonl`` of a run) with an
        ``aliases`` list; ``csv`` writes one row per article: ``case_id, article_id, published,
        source, title, case_headline``.

        Raises:
            StoreError: for an unknown format.
        """
        out = Path(path)
        if format == "jsonl":
            aliases: dict[CaseId, list[CaseId]] = defaultdict(list)
            for old, new in self.aliases().items():
                aliases[new].append(old)
            with out.open("w", encoding="utf-8") as handle:
                for summary in self.cases():
                    row = self.case(summary.case_id).to_dict()
                    row["aliases"] = sorted(aliases.get(summary.case_id, ()))
                    handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        elif format == "csv":
            headlines = {s.case_id: s.headline for s in self.cases()}
            case_of = self.assignments()
            with out.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ("case_id", "article_id", "published", "source", "title", "case_headline")
                )
                for article in sorted(self.articles(), key=lambda a: a.id):
                    cid = case_of[article.id]
                    published = article.published.isoformat() if article.published else ""
                    writer.writerow(
                        (
                            cid,
                            article.id,
                            published,
                            article.source or "",
                            article.title,
                            headlines[cid],
                        )
                    )
        else:
            msg = f"export format must be 'jsonl' or 'csv', got {format!r}"
            raise StoreError(msg)
        return out

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per case (id, headline, size, dates, outlets, article ids) as a DataFrame.

        Raises:
            ImportError: when pandas is not installed (``pip install caselink[pandas]``).
        """
        try:
            import pandas as pd  # noqa: PLC0415 - optional dependency, imported on use
        except ImportError as error:
            msg = "CaseStore.to_pandas needs pandas; install it with `pip install caselink[pandas]`"
            raise ImportError(msg) from error
        rows = []
        for summary in self.cases():
            case = self.case(summary.case_id)
            row = summary.to_dict()
            row["outlets"] = list(case.outlets)
            row["article_ids"] = list(case.article_ids)
            rows.append(row)
        columns = [f.name for f in attrs.fields(CaseSummary)] + ["outlets", "article_ids"]
        return pd.DataFrame(rows, columns=columns)

    def _case_id_of(self, article_id: ArticleId) -> CaseId:
        row = self._db.execute(
            "SELECT case_id FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return str(row[0])

    def _load_articles(
        self, seqs: Iterable[int]
    ) -> tuple[dict[ArticleId, Article], dict[ArticleId, ArticleFields]]:
        articles: dict[ArticleId, Article] = {}
        fields: dict[ArticleId, ArticleFields] = {}
        for chunk in _chunks(sorted(set(seqs))):
            for aid, body, blob in self._db.execute(
                "SELECT a.id, t.body, p.fields FROM articles a JOIN texts t ON t.seq = a.seq "
                f"JOIN profiles p ON p.seq = a.seq WHERE a.seq IN ({_marks(chunk)})",
                tuple(chunk),
            ):
                articles[aid] = Article.from_mapping(_unpack(body))
                fields[aid] = _fields_from_json(aid, _unpack(blob))[0]
        ordered = dict(sorted(articles.items()))
        return ordered, fields

    # ------------------------------------------------------------------ the working set

    def _working(self, batch: int) -> _Working:
        """The in-memory working set as of ``batch`` (loaded from the file when stale or missing)."""
        state = self._state
        assert state is not None  # set by the first add
        if self._work is not None and self._work.batch == batch:
            return self._work
        db = self._db
        blocking = self.config.blocking
        positions = db.execute("SELECT pos, seq, id, case_id FROM articles ORDER BY pos").fetchall()
        try:
            index = CandidateIndex.restore(_load_parts(db), blocking, counts=state.counts)
            if positions and len(index) != positions[-1][0] + 1:
                msg = f"the stored index holds {len(index)} positions, the articles reach {positions[-1][0] + 1}"
                raise ValueError(msg)
        except ValueError as error:
            logger.warning("rebuilding the candidate index of %s: %s", self.path, error)
            _rebuild_index(db, self.config, state)
            positions = db.execute(
                "SELECT pos, seq, id, case_id FROM articles ORDER BY pos"
            ).fetchall()
            index = CandidateIndex.restore(_load_parts(db), blocking, counts=state.counts)
        work = _Working(batch, index)
        for pos, seq, aid, cid in positions:
            work.place(pos, seq, aid, cid)
        for x, y in db.execute("SELECT x, y FROM links"):
            work.links[x].add(y)
            work.links[y].add(x)
        self._work = work
        return work

    def _profiles_at(self, positions: Iterable[int]) -> dict[int, Profile]:
        """The profiles of live positions, from the cache or decoded from the file."""
        work = self._work
        assert work is not None
        found: dict[int, Profile] = {}
        missing: dict[int, int] = {}
        for pos in positions:
            cached = work.profiles.get(pos)
            if cached is None:
                missing[work.seq[pos]] = pos
            else:
                found[pos] = cached
        loaded = {missing[seq]: p for seq, p in _read_profiles(self._db, missing).items()}
        work.cache(loaded)
        found.update(loaded)
        return found

    def _fields_at(self, positions: Iterable[int]) -> dict[ArticleId, ArticleFields]:
        """The fields of live positions (all clustering reads), from the cache or the file.

        Only the fields are decoded for positions not cached (no term vector or signature), and
        they are not cached: a re-clustered region can be far larger than the cache.
        """
        work = self._work
        assert work is not None
        found: dict[ArticleId, ArticleFields] = {}
        missing: list[int] = []
        for pos in positions:
            cached = work.profiles.get(pos)
            if cached is None:
                missing.append(work.seq[pos])
            else:
                found[cached.article_id] = cached.fields
        for chunk in _chunks(sorted(missing)):
            for aid, blob in self._db.execute(
                "SELECT a.id, p.fields FROM articles a JOIN profiles p ON p.seq = a.seq "
                f"WHERE a.seq IN ({_marks(chunk)})",
                tuple(chunk),
            ):
                data = _unpack(blob)
                data.pop("_terms", None)
                found[aid] = _fields_from_json(aid, data)[0]
        return found

    # ------------------------------------------------------------------ adding

    def add(
        self,
        articles: Ingested | Iterable[Article | Mapping[str, Any]],
        *,
        source: str = "<iterable>",
    ) -> AddReport:
        """Resolve new articles against the store, in one transaction.

        Args:
            articles: the output of `read_articles`, or any iterable of `Article` objects or
                mappings (bad mappings become rejects and are set aside).
            source: the name reported for rejects of in-memory records.

        Returns:
            What changed: counts, rejects, new, grown, merged and split cases, and the case id of
            every article of the batch.

        Raises:
            StoreError: when the database cannot be written (the transaction is rolled back and the
                store is left as it was).
        """
        start = time.perf_counter()
        batch = (
            articles if isinstance(articles, Ingested) else read_records(articles, source=source)
        )
        given = sorted(batch.articles, key=lambda a: a.id)
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            msg = f"cannot start a write on {str(self.path)!r}: {error}"
            raise StoreError(msg) from error
        state_before = self._state
        try:
            if self._state is None:
                # Another process may have made the first add since this store was opened.
                row = self._db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
                if row is not None:
                    self._state = FittedState.from_dict(json.loads(row[0]))
            report = self._add(given, batch.rejects, start)
        except BaseException:
            self._db.execute("ROLLBACK")
            self._state = state_before
            self._work = None  # the in-memory index may hold the batch: reload it from the file
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            self._db.execute("ROLLBACK")
            self._work = None
            msg = f"cannot commit the add to {str(self.path)!r}: {error}"
            raise StoreError(msg) from error
        logger.info("%s", report)
        return report

    def _add(self, given: list[Article], rejects: tuple[Reject, ...], start: float) -> AddReport:
        known: dict[ArticleId, tuple[int, int, str]] = {}
        for chunk in _chunks([a.id for a in given]):
            for aid, seq, pos, content in self._db.execute(
                f"SELECT id, seq, pos, content_hash FROM articles WHERE id IN ({_marks(chunk)})",
                tuple(chunk),
            ):
                known[aid] = (seq, pos, content)
        new = [a for a in given if a.id not in known]
        updated = [a for a in given if a.id in known and known[a.id][2] != a.content_hash]
        unchanged = len(given) - len(new) - len(updated)
        if not new and not updated and not rejects:
            return AddReport(
                None, 0, 0, unchanged, (), assignments=self._assignments_of(given),
                seconds=time.perf_counter() - start,
            )  # fmt: skip
        at = _now()
        number = int(
            self._db.execute("SELECT coalesce(max(batch), 0) + 1 FROM batches").fetchone()[0]
        )
        self._db.execute(
            "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?)",
            (number, at, len(new), len(updated), unchanged, len(rejects)),
        )
        self._db.executemany(
            "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?)",
            [(number, r.source, r.line, r.article_id, r.field, r.reason) for r in rejects],
        )
        change = _Change(number, at)
        compared = self._ingest(new, updated, known, change) if new or updated else 0
        if self._work is not None and self._work.batch == number - 1:
            self._work.batch = number
        return AddReport(
            batch=number,
            added=len(new),
            updated=len(updated),
            unchanged=unchanged,
            rejects=rejects,
            created=tuple(sorted(change.created)),
            grown=tuple(sorted(change.grown)),
            merged=tuple(sorted(change.merged)),
            split=tuple(sorted(change.split)),
            candidate_pairs=compared,
            region=change.region,
            reclustered=change.reclustered,
            assignments=self._assignments_of(given),
            seconds=time.perf_counter() - start,
            timings=change.timings,
        )

    def _assignments_of(self, articles: Sequence[Article]) -> dict[ArticleId, CaseId]:
        found: dict[ArticleId, CaseId] = {}
        for chunk in _chunks([a.id for a in articles]):
            found.update(
                self._db.execute(
                    f"SELECT id, case_id FROM articles WHERE id IN ({_marks(chunk)})", tuple(chunk)
                )
            )
        return {a.id: found[a.id] for a in articles}

    def _ingest(
        self,
        new: list[Article],
        updated: list[Article],
        known: Mapping[ArticleId, tuple[int, int, str]],
        change: _Change,
    ) -> int:
        db = self._db
        if self._state is None:
            self._state = fit_state(new, self.config)
            db.execute("INSERT INTO meta VALUES ('state', ?)", (json.dumps(self._state.to_dict()),))
            index = CandidateIndex(self.config.blocking, counts=self._state.counts)
            self._work = _Working(change.batch - 1, index)
        state = self._state
        work = self._working(change.batch - 1)
        changed = sorted([*new, *updated], key=lambda a: a.id)
        change.lap("prepare")
        cfg = attrs.evolve(self.config, workers=self._workers)
        _cleaned, fields, by_id = profile_articles(changed, state, cfg)
        profiles = [by_id[a.id] for a in changed]
        change.lap("profile")
        # Query, then insert: the pairs of the changed articles with everything indexed and each
        # other. An updated article leaves the index first (its old position is a tombstone).
        index = work.index
        start = len(index)
        index.discard([a.id for a in updated])
        codes, _rules = index.add_codes(profiles)
        x = (codes >> np.uint64(32)).astype(np.int64)
        y = (codes & np.uint64(0xFFFFFFFF)).astype(np.int64)
        change.lap("block")
        fresh_profiles = {start + i: p for i, p in enumerate(profiles)}
        stored = np.unique(x[x < start]).tolist()
        fresh_profiles.update(self._profiles_at(stored))
        change.region = len(stored)
        change.lap("load")
        weights, flags = self._score(x, y, fresh_profiles)
        fresh = _Fresh(start, x, y, weights, flags, fresh_profiles)
        change.lap("compare_score")
        restart = self._write(
            changed, fields=fields, profiles=profiles, known=known, fresh=fresh, change=change
        )
        change.lap("write")
        self._recluster({*range(start, start + len(changed)), *restart}, fresh, change)
        change.lap("recluster")
        return int(x.size)

    def _score(
        self, x: NDArray[np.int64], y: NDArray[np.int64], profiles: Mapping[int, Profile]
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None]:
        """The match weights of pairs of positions (and their conflict flags, when configured)."""
        state = self._state
        assert state is not None
        if x.size == 0:
            return np.zeros(0, dtype=np.float64), None
        columns, row = _columns(x, y, {p: q.article_id for p, q in profiles.items()})
        by_id = {p.article_id: p for p in profiles.values()}
        cfg = attrs.evolve(self.config, workers=self._workers)
        scored = score_columns(columns, by_id, state, cfg)
        weights = scored.match_weight[row]
        wanted = _conflict_levels(self.config)
        if not wanted:
            return weights, None
        # Only with [cluster] conflict_levels: each pair's levels, read from its contributions.
        flags = np.array(
            [any((c.name, c.label) in wanted for c in pair.contributions) for pair in scored],
            dtype=bool,
        )
        return weights, flags[row]

    def _write(
        self,
        changed: Sequence[Article],
        *,
        fields: Sequence[ArticleFields],
        profiles: Sequence[Profile],
        known: Mapping[ArticleId, tuple[int, int, str]],
        fresh: _Fresh,
        change: _Change,
    ) -> set[int]:
        """Write the articles, their pairs, links and index entries; return positions to re-cluster.

        Those are the former link partners of updated articles (the new positions are re-clustered
        anyway).
        """
        db = self._db
        work = self._work
        state = self._state
        assert work is not None
        assert state is not None
        restart: set[int] = set()
        for offset, (article, found, profile) in enumerate(
            zip(changed, fields, profiles, strict=True)
        ):
            pos = fresh.start + offset
            head = (
                pos,
                article.content_hash,
                article.published.isoformat() if article.published else None,
                article.source,
                article.title,
            )
            body = _pack(article.to_dict())
            stored = (
                _pack(_fields_to_json(found, profile.terms)),
                profile.signature.hashvalues,
                profile.signature.num_shingles,
            )
            if article.id in known:
                seq, old_pos, old_hash = known[article.id]
                case_id = work.case[old_pos]
                partners = work.forget(old_pos)
                restart |= partners
                db.execute("DELETE FROM pairs WHERE pos = ?", (old_pos,))
                db.executemany(
                    "DELETE FROM links WHERE x = ? AND y = ?",
                    [(min(old_pos, q), max(old_pos, q)) for q in partners],
                )
                db.execute(
                    "UPDATE articles SET pos=?, content_hash=?, published=?, source=?, title=? "
                    "WHERE seq=?",
                    (*head, seq),
                )
                db.execute("UPDATE texts SET body = ? WHERE seq = ?", (body, seq))
                db.execute(
                    "UPDATE profiles SET fields=?, sig=?, shingles=? WHERE seq=?", (*stored, seq)
                )
                detail = {
                    "article_id": article.id,
                    "old_hash": old_hash,
                    "new_hash": article.content_hash,
                }
                self._record(change, "update", case_id, [case_id], detail)
            else:
                case_id = ""
                seq = int(
                    db.execute(
                        "INSERT INTO articles (pos, content_hash, published, source, title, id, "
                        "case_id, batch) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
                        (*head, article.id, change.batch),
                    ).lastrowid
                    or 0
                )
                db.execute("INSERT INTO texts VALUES (?, ?)", (seq, body))
                db.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (seq, *stored))
            work.place(pos, seq, article.id, case_id)
        work.cache({fresh.start + i: p for i, p in enumerate(profiles)})
        # Each new position's pairs with earlier ones, in one row.
        order = np.lexsort((fresh.x, fresh.y))
        ys, starts = np.unique(fresh.y[order], return_index=True)
        bounds = [*starts.tolist(), order.size]
        rows = []
        for k, pos in enumerate(ys.tolist()):
            at = order[bounds[k] : bounds[k + 1]]
            flags = None if fresh.flags is None else fresh.flags[at]
            rows.append((pos, _pack_pairs(fresh.x[at], fresh.weight[at], flags)))
        db.executemany("INSERT INTO pairs VALUES (?, ?)", rows)
        is_link = _links(fresh.weight, self.config, state)
        links = list(zip(fresh.x[is_link].tolist(), fresh.y[is_link].tolist(), strict=True))
        db.executemany("INSERT INTO links VALUES (?, ?)", links)
        for p, q in links:
            work.links[p].add(q)
            work.links[q].add(p)
        _save_part(db, work.index.export(fresh.start))
        return {pos for pos in restart if pos in work.seq}

    # ------------------------------------------------------------------ re-clustering

    def _closure(self, start: Iterable[int]) -> set[int]:
        """The link components of ``start``, closed under current case membership."""
        work = self._work
        assert work is not None
        seen = set(start)
        frontier = list(seen)
        while frontier:
            pos = frontier.pop()
            case_id = work.case[pos]
            around = work.links.get(pos, set())
            if case_id:
                around = around | work.members[case_id]
            for other in around:
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
        return seen

    def _region_pairs(
        self, region: NDArray[np.int64], fresh: _Fresh
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_] | None]:
        """Every pair inside ``region``: the stored rows of its older positions, and this add's."""
        xs, ys, ws, fs = [], [], [], []
        older = region[region < fresh.start].tolist()
        member = np.zeros(int(max(region.max(initial=-1), fresh.y.max(initial=-1))) + 1, dtype=bool)
        member[region] = True
        for chunk in _chunks(older):
            for pos, blob in self._db.execute(
                f"SELECT pos, data FROM pairs WHERE pos IN ({_marks(chunk)})", tuple(chunk)
            ):
                partners, weights, flags = _unpack_pairs(blob)
                inside = member[partners]
                xs.append(partners[inside])
                ys.append(np.full(int(inside.sum()), pos, dtype=np.int64))
                ws.append(weights[inside])
                if flags is not None:
                    fs.append(flags[inside])
        inside = member[fresh.x] & member[fresh.y]
        xs.append(fresh.x[inside])
        ys.append(fresh.y[inside])
        ws.append(fresh.weight[inside])
        wanted = bool(_conflict_levels(self.config))
        if wanted:
            fs.append(fresh.flags[inside] if fresh.flags is not None else np.zeros(0, dtype=bool))
        return (
            np.concatenate(xs),
            np.concatenate(ys),
            np.concatenate(ws),
            np.concatenate(fs) if wanted else None,
        )

    def _recluster(self, start: set[int], fresh: _Fresh, change: _Change) -> None:
        state = self._state
        work = self._work
        assert state is not None
        assert work is not None
        region = np.array(sorted(self._closure(start)), dtype=np.int64)
        change.reclustered = int(region.size)
        x, y, weights, flags = self._region_pairs(region, fresh)
        columns, row = _columns(x, y, work.article)
        in_columns = np.empty_like(weights)
        in_columns[row] = weights
        source = None
        if flags is not None:
            flagged = np.empty_like(flags)
            flagged[row] = flags
            level = min(_conflict_levels(self.config))
            source = _ConflictFlags(flagged, Contribution(*level, 0.0))
        pairs = ScoredPairs(columns, in_columns, pair_probabilities(in_columns), source)
        ids = sorted(work.article[p] for p in region.tolist())
        position = {work.article[p]: p for p in region.tolist()}
        incidents = cluster_articles(
            ids,
            pairs,
            self.config.cluster,
            fields=self._fields_at(region.tolist()),
            shift=state.density_shift,
            workers=self._workers if region.size >= _POOLED_REGION else 1,
        ).incidents
        clusters = [sorted(position[a] for a in inc.article_ids) for inc in incidents]
        self._lineage(region, incidents, clusters, fresh, change)

    def _names(
        self,
        region: NDArray[np.int64],
        incidents: Sequence[Incident],
        clusters: Sequence[list[int]],
    ) -> tuple[list[CaseId], dict[CaseId, set[int]], dict[int, CaseId]]:
        """The id of each cluster by the lineage rules.

        Returns:
            The ids; the old cases in the region with their positions; each old anchor's case.
        """
        work = self._work
        assert work is not None
        old_members: dict[CaseId, set[int]] = defaultdict(set)
        for pos in region.tolist():
            if work.case[pos]:
                old_members[work.case[pos]].add(pos)
        # Each old case is anchored at its oldest article (the smallest seq).
        anchor_case = {
            min(members, key=work.seq.__getitem__): cid for cid, members in old_members.items()
        }
        final: list[CaseId] = []
        for inc, members in zip(incidents, clusters, strict=True):
            owners = sorted((p for p in members if p in anchor_case), key=work.seq.__getitem__)
            final.append(
                anchor_case[owners[0]] if owners else self._fresh_id(inc.incident_id, final)
            )
        return final, old_members, anchor_case

    def _lineage(
        self,
        region: NDArray[np.int64],
        incidents: Sequence[Incident],
        clusters: Sequence[list[int]],
        fresh: _Fresh,
        change: _Change,
    ) -> None:
        """Name the re-clustered cases by the lineage rules and record what changed."""
        work = self._work
        assert work is not None
        final, old_members, anchor_case = self._names(region, incidents, clusters)
        # A change's reasons are this add's links inside the changed case.
        links = fresh.probability >= self.config.cluster.threshold
        cluster_of = {p: k for k, members in enumerate(clusters) for p in members}
        reasons_in: dict[int, list[int]] = defaultdict(list)
        for k in np.flatnonzero(links).tolist():
            p, q = int(fresh.x[k]), int(fresh.y[k])
            if cluster_of.get(p, -1) == cluster_of.get(q, -2):
                reasons_in[cluster_of[p]].append(k)
        events: list[_Event] = []
        touched: list[tuple[CaseId, list[int]]] = []
        for number, (members, cid) in enumerate(zip(clusters, final, strict=True)):
            owners = sorted((p for p in members if p in anchor_case), key=work.seq.__getitem__)
            absorbed = [anchor_case[p] for p in owners[1:]]
            before = old_members.get(cid, set())
            if set(members) == before and not absorbed:
                continue
            touched.append((cid, members))
            member_ids = sorted(work.article[p] for p in members)
            reasons = self._strongest(reasons_in[number], fresh, strongest=False)
            gained = sorted(work.article[p] for p in members if not work.case[p])
            if not before:
                change.created.append(cid)
                events.append(_Event("create", cid, [cid], {"article_ids": member_ids}, reasons))
            elif gained:
                change.grown.append(cid)
                events.append(_Event("grow", cid, [cid], {"article_ids": gained}, reasons))
            if absorbed:
                self._merge(change, cid, absorbed)
                detail = {"absorbed": absorbed, "article_ids": member_ids}
                events.append(_Event("merge", cid, [cid, *absorbed], detail, reasons))
        now_in = {p: cid for members, cid in zip(clusters, final, strict=True) for p in members}
        for cid, old in sorted(old_members.items()):
            event = self._split(change, cid, old, now_in, fresh)
            if event is not None:
                events.append(event)
        self._explain(events, fresh)
        for event in events:
            self._record(change, event.kind, event.case_id, event.involved, event.detail)
        self._write_cases(change, touched)

    def _strongest(self, candidates: Sequence[int], fresh: _Fresh, *, strongest: bool) -> list[int]:
        """The fresh pairs (indexes) behind a change: the strongest links, or evidence either way."""
        work = self._work
        assert work is not None
        ids = work.article

        def rank(k: int) -> tuple[float, str, str]:
            w = float(fresh.weight[k])
            a, b = sorted((ids[int(fresh.x[k])], ids[int(fresh.y[k])]))
            return (-abs(w) if strongest else -w, a, b)

        return sorted(candidates, key=rank)[:_MAX_REASONS]

    def _explain(self, events: Sequence[_Event], fresh: _Fresh) -> None:
        """Attach the reasons of every event: pairs with the values behind their levels."""
        state = self._state
        assert state is not None
        wanted = sorted({k for event in events for k in event.reasons})
        explained: dict[int, ScoredPair] = {}
        if wanted:
            chosen = np.array(wanted, dtype=np.int64)
            x, y = fresh.x[chosen], fresh.y[chosen]
            columns, row = _columns(x, y, {p: q.article_id for p, q in fresh.profiles.items()})
            by_id = {q.article_id: q for q in fresh.profiles.values()}
            scored = score_columns(columns, by_id, state, self.config)
            pairs = scored.take(row, details=True)
            explained = dict(zip(wanted, pairs, strict=True))
        probability = fresh.probability
        for event in events:
            event.detail["reasons"] = [
                {
                    "a": explained[k].a,
                    "b": explained[k].b,
                    "probability": round(float(probability[k]), 6),
                    "explanation": explained[k].explain(),
                }
                for k in event.reasons
            ]

    def _merge(self, change: _Change, survivor: CaseId, absorbed: Sequence[CaseId]) -> None:
        for old in absorbed:
            change.merged.append((survivor, old))
            self._db.execute(
                "INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?)",
                (old, survivor, change.batch, change.at),
            )
            self._db.execute("UPDATE aliases SET case_id = ? WHERE case_id = ?", (survivor, old))
            self._db.execute("DELETE FROM cases WHERE id = ?", (old,))

    def _split(
        self,
        change: _Change,
        case_id: CaseId,
        old: set[int],
        now_in: Mapping[int, CaseId],
        fresh: _Fresh,
    ) -> _Event | None:
        """A split event when an old case's articles now sit in more than one case."""
        work = self._work
        assert work is not None
        parts: dict[CaseId, list[ArticleId]] = defaultdict(list)
        for pos in old:
            parts[now_in[pos]].append(work.article[pos])
        if len(parts) < 2:
            return None
        change.split.append(case_id)
        moved = [
            {"case_id": cid, "article_ids": sorted(parts[cid])}
            for cid in sorted(parts)
            if cid != case_id
        ]
        touching = np.flatnonzero(np.isin(fresh.x, list(old)) | np.isin(fresh.y, list(old)))
        reasons = self._strongest(touching.tolist(), fresh, strongest=True)
        involved = [case_id, *(cid for cid in sorted(parts) if cid != case_id)]
        return _Event("split", case_id, involved, {"parts": moved}, reasons)

    def _write_cases(self, change: _Change, touched: Sequence[tuple[CaseId, list[int]]]) -> None:
        """Write the memberships and case summaries of the clusters that changed."""
        db = self._db
        work = self._work
        assert work is not None
        for cid, members in touched:
            for pos in members:
                work.move(pos, cid)
            db.executemany(
                "UPDATE articles SET case_id = ? WHERE seq = ?",
                [(cid, work.seq[pos]) for pos in members],
            )
        # The summaries need titles, dates and outlets only; `case()` builds the full record.
        heads: dict[int, Article] = {}
        seqs = [work.seq[pos] for _cid, members in touched for pos in members]
        for chunk in _chunks(seqs):
            for seq, aid, title, published, source in db.execute(
                f"SELECT seq, id, title, published, source FROM articles WHERE seq IN ({_marks(chunk)})",
                tuple(chunk),
            ):
                date = dt.date.fromisoformat(published) if published else None
                heads[seq] = Article(aid, title, "", date, source)
        for cid, members in touched:
            articles = {heads[work.seq[p]].id: heads[work.seq[p]] for p in members}
            fields = {aid: ArticleFields(aid) for aid in articles}
            case = build_case(
                Incident(cid, list(articles)), articles, fields, self.config.canonical
            )
            existing = db.execute(
                "SELECT created_batch, created_at FROM cases WHERE id = ?", (cid,)
            ).fetchone()
            created_batch, created_at = existing or (change.batch, change.at)
            anchor = min(work.seq[p] for p in members)
            db.execute(
                "INSERT OR REPLACE INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    anchor,
                    len(members),
                    case.first_seen.isoformat() if case.first_seen else None,
                    case.last_seen.isoformat() if case.last_seen else None,
                    case.headline,
                    created_batch,
                    change.batch,
                    created_at,
                    change.at,
                ),
            )

    def _fresh_id(self, proposed: CaseId, taken_now: Sequence[CaseId]) -> CaseId:
        candidate, n = proposed, 1
        while (
            candidate in taken_now
            or self._db.execute("SELECT 1 FROM cases WHERE id = ?", (candidate,)).fetchone()
            or self._db.execute("SELECT 1 FROM aliases WHERE old_id = ?", (candidate,)).fetchone()
            or self._db.execute(
                "SELECT 1 FROM history_cases WHERE case_id = ?", (candidate,)
            ).fetchone()
        ):
            n += 1
            candidate = f"{proposed}-{n}"
        return candidate

    def _record(
        self,
        change: _Change,
        kind: str,
        case_id: CaseId,
        involved: Sequence[CaseId],
        detail: Mapping[str, Any],
    ) -> None:
        cursor = self._db.execute(
            "INSERT INTO history (batch, at, kind, case_id, detail) VALUES (?, ?, ?, ?, ?)",
            (change.batch, change.at, kind, case_id, _pack(detail)),
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO history_cases VALUES (?, ?)",
            [(cid, cursor.lastrowid) for cid in dict.fromkeys(involved)],
        )


def _columns(
    x: NDArray[np.int64], y: NDArray[np.int64], ids: Mapping[int, ArticleId]
) -> tuple[Candidates, NDArray[np.int64]]:
    """Pairs of positions as `Candidates` (ids sorted, pairs sorted by key).

    Returns:
        The columns, and for each input pair its row in them.
    """
    positions = np.unique(np.concatenate([x, y]))
    names = [ids[p] for p in positions.tolist()]
    by_name = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(positions.size, dtype=np.int64)
    rank[by_name] = np.arange(positions.size)
    rx = rank[np.searchsorted(positions, x)]
    ry = rank[np.searchsorted(positions, y)]
    a, b = np.minimum(rx, ry), np.maximum(rx, ry)
    pair_order = np.lexsort((b, a))
    columns = Candidates(
        tuple(names[i] for i in by_name),
        a[pair_order],
        b[pair_order],
        np.zeros(x.size, dtype=np.uint8),
        RULES,
    )
    row = np.empty(x.size, dtype=np.int64)
    row[pair_order] = np.arange(x.size)
    return columns, row


def _core(config: Config) -> dict[str, Any]:
    data = config.to_dict()
    for key in _RUN_OPTIONS:
        data.pop(key, None)
    return data


def store_size(path: str | Path) -> int:
    """Return the bytes a store occupies on disk (database plus write-ahead log)."""
    base = Path(path)
    return sum(
        p.stat().st_size
        for p in (base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm"))
        if p.exists()
    )
