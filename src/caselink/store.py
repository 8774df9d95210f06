"""The case store: an incremental, crash-safe SQLite home for cases with stable ids and lineage.

Feeds arrive every hour and users keep case ids in their notes, so the store resolves each new batch
against what it holds instead of starting over::

    store = CaseStore.open("cases.db")
    report = store.add(read_articles("monday.jsonl"))   # one transaction
    store.case("case-1a2b3c4d5e6f")                     # also resolves ids merged away

How an add works. The corpus-level state (`caselink.pipeline.FittedState`: boilerplate sentences,
term model, scoring model, the counts of blocking keys and terms, and the document counts behind
term-frequency adjustment) is fitted on the first batch, or supplied, and then held fixed and
recorded in the store. New articles go through the same stage functions as `caselink.resolve`
(`caselink.pipeline.profile_articles`: clean, extract, shingle, term vectors); their LSH band
buckets, field keys and rare terms are looked up in the store (query), and every stored article
sharing one joins the *region*. Blocking's `CandidateIndex` with the state's fixed counts then gives
the candidate pairs of the new articles: with fixed counts every blocking rule is a property of the
pair alone, so these are exactly the pairs a batch run with the same state finds (keys and terms the
state counts as too common are never looked up). Only new-vs-existing and new-vs-new pairs are
compared and scored, with `caselink.pipeline.score_candidates` (the batch path of `resolve`, with the
state's document frequencies); then the buckets, keys, terms and pairs are inserted. Clustering is
redone only for the link components (pairs at or above the cluster threshold) that hold a new or
changed article, closed under current case membership, by calling `cluster_incidents` with the
profiles on those articles and every stored pair among them. Main's clustering decides each link
component on its own, so this equals ``resolve(corpus, state=store.state)``: the tests check the
partition, and that the stored pairs and their weights and probabilities are the batch run's.

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
and reason (the pairs that caused it). Ingest is idempotent: an article with a known id and the same
content hash changes nothing; with a changed content hash it is an update (re-profiled, re-paired,
its component re-clustered, and recorded).

Space: article text is stored zlib-compressed; signatures as raw bytes; pairs with their weight and
probability (term-frequency adjustment makes weights depend on the values behind the levels, so they
cannot be rebuilt from levels), links with their compressed contributions, other pairs only with
the contributions clustering reads (``[cluster] conflict_levels``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import sqlite3
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import xxhash

from caselink._types import ArticleId, CaseId
from caselink.blocking import CandidateIndex, lsh_params, usable_field_keys, usable_term_keys
from caselink.canonical import build_case
from caselink.cluster import cluster_incidents
from caselink.config import Config
from caselink.errors import StoreError
from caselink.ingest import Ingested, read_records
from caselink.models import (
    Article,
    ArticleFields,
    Case,
    Contribution,
    Incident,
    Mention,
    Profile,
    Reject,
    ScoredPair,
    Signature,
)
from caselink.pipeline import (
    FittedState,
    explain_links,
    fit_state,
    profile_articles,
    score_candidates,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA_VERSION", "AddReport", "CaseStore", "CaseSummary", "HistoryEvent"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""The schema version this release writes; older stores are migrated on open."""

# Each entry upgrades a store from version ``i`` to ``i + 1`` (entry 0 creates the schema).
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
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
    ),
)

_CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds
_MAX_REASONS = 5  # pairs kept as the reason of one history event
_RUN_OPTIONS = ("progress", "workers")  # config keys that do not change results
_PARALLEL_ARTICLES = 200  # below this, worker processes cost more than they save


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _int64(digest: int) -> int:
    """Map an unsigned 64-bit hash onto SQLite's signed INTEGER range."""
    return digest - (1 << 63)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _pack(data: Any) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def _unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


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
) -> tuple[ArticleFields, tuple[tuple[str, float], ...]]:
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "_terms":
            continue
        if isinstance(value, list):
            values[name] = tuple(Mention(t, n, s, e, r) for t, n, s, e, r in value)
        else:
            values[name] = value
    terms = tuple((str(t), float(w)) for t, w in data.get("_terms", ()))
    return ArticleFields(article_id, **values), terms


def _profile_chunk(
    articles: Sequence[Article], state: FittedState, config: Config
) -> tuple[list[ArticleFields], list[Profile]]:
    _cleaned, fields, profiles = profile_articles(articles, state, config)
    return fields, [profiles[a.id] for a in articles]


def _profile_rows(
    rows: Sequence[tuple[Any, ...]], state: FittedState, config: Config
) -> tuple[list[ArticleFields], list[Profile]]:
    """`_profile_chunk` in a worker process: articles travel as plain tuples (``meta`` is never linked on)."""
    return _profile_chunk([Article(*row) for row in rows], state, config)


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
        candidate_pairs: pairs compared in this add.
        region: stored articles loaded to find the candidates (members of every block a new article
            joined).
        assignments: the case id of every article of the batch (new, updated or unchanged).
        seconds: wall time of the add.
        timings: seconds per phase: ``profile`` (clean, extract, shingle), ``query`` (index look-up
            and loading the region), ``block``, ``compare_score``, ``write`` and ``recluster``;
            ``prepare`` (id look-up, and fitting the state on a first batch).
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
    clock: float = attrs.field(factory=time.perf_counter)

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = round(self.timings.get(phase, 0.0) + now - self.clock, 4)
        self.clock = now


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
        self._pool: ProcessPoolExecutor | None = None
        self._rules: list[str] = []
        num_perm = config.shingle.num_perm
        self._bands, self._rows = lsh_params(config.blocking.lsh_threshold, num_perm)

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
            # Big pages pack the ~2 KB article rows tightly; only takes effect on a new file.
            db.execute("PRAGMA page_size=16384")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
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
            cfg = Config.from_dict(stored["config"])
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
        """Close the database (and the worker pool, if one was started)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
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
        for (body,) in self._db.execute("SELECT body FROM articles ORDER BY seq"):
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
            with out.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ("case_id", "article_id", "published", "source", "title", "case_headline")
                )
                for article in sorted(self.articles(), key=lambda a: a.id):
                    cid = self._case_id_of(article.id)
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

    # ------------------------------------------------------------------ loading stored state

    def _load_profiles(self, seqs: Iterable[int]) -> dict[int, Profile]:
        out: dict[int, Profile] = {}
        wanted = sorted(set(seqs))
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for seq, aid, published, source, fields, sig, shingles in self._db.execute(
                "SELECT seq, id, published, source, fields, sig, shingles FROM articles "
                f"WHERE seq IN ({marks})",
                tuple(chunk),
            ):
                parsed, terms = _fields_from_json(aid, _unpack(fields))
                date = dt.date.fromisoformat(published) if published else None
                out[seq] = Profile(aid, date, source, parsed, Signature(aid, sig, shingles), terms)
        return out

    def _load_articles(
        self, seqs: Iterable[int]
    ) -> tuple[dict[ArticleId, Article], dict[ArticleId, ArticleFields]]:
        articles: dict[ArticleId, Article] = {}
        fields: dict[ArticleId, ArticleFields] = {}
        for chunk in _chunks(sorted(set(seqs))):
            marks = ",".join("?" * len(chunk))
            for aid, body, blob in self._db.execute(
                f"SELECT id, body, fields FROM articles WHERE seq IN ({marks})", tuple(chunk)
            ):
                articles[aid] = Article.from_mapping(_unpack(body))
                fields[aid] = _fields_from_json(aid, _unpack(blob))[0]
        ordered = dict(sorted(articles.items()))
        return ordered, fields

    # ------------------------------------------------------------------ adding

    def _profile(
        self, articles: Sequence[Article], state: FittedState
    ) -> tuple[list[ArticleFields], list[Profile]]:
        if self._workers <= 1 or len(articles) < _PARALLEL_ARTICLES:
            return _profile_chunk(articles, state, self.config)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers)
        size = -(-len(articles) // (self._workers * 4))
        rows = [(a.id, a.title, a.text, a.published, a.source, a.url) for a in articles]
        parts = [rows[i : i + size] for i in range(0, len(rows), size)]
        fields: list[ArticleFields] = []
        profiles: list[Profile] = []
        for f, p in self._pool.map(
            _profile_rows, parts, [state] * len(parts), [self.config] * len(parts)
        ):
            fields.extend(f)
            profiles.extend(p)
        return fields, profiles

    def _load_rules(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'rules'").fetchone()
        self._rules = json.loads(row[0]) if row else []

    def _rule_mask(self, rules: Iterable[str]) -> int:
        """Encode blocking rule names as a bit mask (new names are registered in the store)."""
        mask = 0
        for rule in rules:
            if rule not in self._rules:
                self._rules.append(rule)
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('rules', ?)", (json.dumps(self._rules),)
                )
            mask |= 1 << self._rules.index(rule)
        return mask

    def _rule_names(self, mask: int) -> tuple[str, ...]:
        return tuple(sorted(r for i, r in enumerate(self._rules) if mask >> i & 1))

    def _band_keys(self, profile: Profile) -> list[int]:
        if profile.signature.num_shingles == 0:
            return []
        raw = profile.signature.hashvalues
        width = self._rows * 4
        # 32-bit bucket hashes keep the index small; a rare collision only adds a stored article to
        # the region, where `CandidateIndex` decides exactly.
        return [
            xxhash.xxh32_intdigest(
                band.to_bytes(2, "little") + raw[band * width : (band + 1) * width]
            )
            for band in range(self._bands)
        ]

    def _term_keys(self, profile: Profile) -> list[int]:
        """Hashes of the term keys blocking can pair on (`usable_term_keys` under the state's counts)."""
        state = self._state
        assert state is not None  # set by the first add
        keys = usable_term_keys(profile, self.config.blocking, state.counts)
        return [_int64(xxhash.xxh64_intdigest(t.encode("utf-8"))) for t in keys]

    def _field_keys(self, profile: Profile) -> list[int]:
        """Hashes of the field keys blocking can pair on (`usable_field_keys` under the state's counts)."""
        state = self._state
        assert state is not None  # set by the first add
        keys = usable_field_keys(profile, self.config.blocking, state.counts)
        return [_int64(xxhash.xxh64_intdigest(k.encode("utf-8"))) for k in keys]

    def _members(self, table: str, column: str, keys: set[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(sorted(keys)):
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self._db.execute(
                    f"SELECT seq FROM {table} WHERE {column} IN ({marks})", tuple(chunk)
                )
            )
        return found

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
            self._load_rules()
            if self._state is None:
                # Another process may have made the first add since this store was opened.
                row = self._db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
                if row is not None:
                    self._state = FittedState.from_dict(json.loads(row[0]))
            report = self._add(given, batch.rejects, start)
        except BaseException:
            self._db.execute("ROLLBACK")
            self._state = state_before
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            self._db.execute("ROLLBACK")
            msg = f"cannot commit the add to {str(self.path)!r}: {error}"
            raise StoreError(msg) from error
        logger.info("%s", report)
        return report

    def _add(self, given: list[Article], rejects: tuple[Reject, ...], start: float) -> AddReport:
        known: dict[ArticleId, tuple[int, str]] = {}
        for chunk in _chunks([a.id for a in given]):
            marks = ",".join("?" * len(chunk))
            for aid, seq, content in self._db.execute(
                f"SELECT id, seq, content_hash FROM articles WHERE id IN ({marks})", tuple(chunk)
            ):
                known[aid] = (seq, content)
        new = [a for a in given if a.id not in known]
        updated = [a for a in given if a.id in known and known[a.id][1] != a.content_hash]
        unchanged = len(given) - len(new) - len(updated)
        if not new and not updated and not rejects:
            assignments = {a.id: self._case_id_of(a.id) for a in given}
            return AddReport(
                None, 0, 0, unchanged, (), assignments=assignments,
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
        assignments = {a.id: self._case_id_of(a.id) for a in given}
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
            assignments=assignments,
            seconds=time.perf_counter() - start,
            timings=change.timings,
        )

    def _ingest(
        self,
        new: list[Article],
        updated: list[Article],
        known: Mapping[ArticleId, tuple[int, str]],
        change: _Change,
    ) -> int:
        db = self._db
        if self._state is None:
            self._state = fit_state(new, self.config)
            db.execute("INSERT INTO meta VALUES ('state', ?)", (json.dumps(self._state.to_dict()),))
        state = self._state
        changed = sorted([*new, *updated], key=lambda a: a.id)
        change.lap("prepare")
        fields, profiles = self._profile(changed, state)
        change.lap("profile")
        # Updated articles leave the index and the pair graph; they come back re-profiled below.
        old_case_of_updated = {a.id: self._case_id_of(a.id) for a in updated}
        updated_seqs = {known[a.id][0] for a in updated}
        restart = self._forget(updated_seqs)
        # Query: every stored article sharing a band bucket, a usable field key or a usable term with
        # a changed one (a superset of its candidates: blocking decides exactly below).
        bands = {a.id: self._band_keys(p) for a, p in zip(changed, profiles, strict=True)}
        keys = {a.id: self._field_keys(p) for a, p in zip(changed, profiles, strict=True)}
        terms = {a.id: self._term_keys(p) for a, p in zip(changed, profiles, strict=True)}
        neighbours = self._members("lsh", "bucket", {k for v in bands.values() for k in v})
        neighbours |= self._members("keys", "key", {k for v in keys.values() for k in v})
        neighbours |= self._members("terms", "term", {k for v in terms.values() for k in v})
        neighbours -= updated_seqs
        region = self._load_profiles(neighbours)
        change.region = len(region)
        change.lap("query")
        by_id = {p.article_id: p for p in region.values()}
        by_id.update({p.article_id: p for p in profiles})
        changed_ids = {a.id for a in changed}
        # With the state's fixed counts every blocking rule is a property of the pair, so the pairs
        # of the changed articles found in the region are exactly those of a batch run.
        index = CandidateIndex(self.config.blocking, counts=state.counts)
        candidates = index.add(sorted(by_id.values(), key=lambda p: p.article_id))
        change.lap("block")
        fresh = [c for c in candidates if c.a in changed_ids or c.b in changed_ids]
        seq_of = {p.article_id: s for s, p in region.items()}
        # Comparing stays in this process: shipping profiles to workers cost more than it saved.
        scored = score_candidates(fresh, by_id, state, self.config)
        scored = explain_links(scored, by_id, self.config)
        change.lap("compare_score")
        self._write_articles(changed, fields, profiles, known, change.batch)
        for chunk in _chunks(sorted(changed_ids)):
            marks = ",".join("?" * len(chunk))
            seq_of.update(
                db.execute(f"SELECT id, seq FROM articles WHERE id IN ({marks})", tuple(chunk))
            )
        db.executemany(
            "INSERT OR IGNORE INTO lsh VALUES (?, ?)",
            [(k, seq_of[aid]) for aid, ks in bands.items() for k in ks],
        )
        db.executemany(
            "INSERT OR IGNORE INTO keys VALUES (?, ?)",
            [(k, seq_of[aid]) for aid, ks in keys.items() for k in ks],
        )
        db.executemany(
            "INSERT OR IGNORE INTO terms VALUES (?, ?)",
            [(k, seq_of[aid]) for aid, ks in terms.items() for k in ks],
        )
        self._write_pairs(scored, seq_of)
        for article in updated:
            detail = {
                "article_id": article.id,
                "old_hash": known[article.id][1],
                "new_hash": article.content_hash,
            }
            cid = old_case_of_updated[article.id]
            self._record(change, "update", cid, [cid], detail)
        start = {seq_of[aid] for aid in changed_ids} | restart
        change.lap("write")
        self._recluster(start, scored, change)
        change.lap("recluster")
        return len(scored)

    def _forget(self, seqs: set[int]) -> set[int]:
        """Take updated articles out of the index and the pair graph (they return re-profiled).

        Returns:
            Their former link partners (to re-cluster).
        """
        db = self._db
        restart: set[int] = set()
        for seq, old in self._load_profiles(seqs).items():
            db.executemany(
                "DELETE FROM lsh WHERE bucket = ? AND seq = ?",
                [(k, seq) for k in self._band_keys(old)],
            )
            db.executemany(
                "DELETE FROM keys WHERE key = ? AND seq = ?",
                [(k, seq) for k in self._field_keys(old)],
            )
            db.executemany(
                "DELETE FROM terms WHERE term = ? AND seq = ?",
                [(k, seq) for k in self._term_keys(old)],
            )
            partners = [r[0] for r in db.execute("SELECT y FROM links WHERE x = ?", (seq,))]
            restart.update(partners)
            db.executemany(
                "DELETE FROM links WHERE (x = ? AND y = ?) OR (x = ? AND y = ?)",
                [(seq, y, y, seq) for y in partners],
            )
            db.execute("DELETE FROM pairs WHERE a = ?", (seq,))
            db.execute("DELETE FROM pairs WHERE b = ?", (seq,))
        return restart

    def _write_articles(
        self,
        changed: Sequence[Article],
        fields: Sequence[ArticleFields],
        profiles: Sequence[Profile],
        known: Mapping[ArticleId, tuple[int, str]],
        batch: int,
    ) -> None:
        db = self._db
        for article, f, profile in zip(changed, fields, profiles, strict=True):
            row = (
                article.content_hash,
                article.published.isoformat() if article.published else None,
                article.source,
                article.title,
                _pack(article.to_dict()),
                _pack(_fields_to_json(f, profile.terms)),
                profile.signature.hashvalues,
                profile.signature.num_shingles,
            )
            if article.id in known:
                db.execute(
                    "UPDATE articles SET content_hash=?, published=?, source=?, title=?, body=?, fields=?, sig=?, "
                    "shingles=? WHERE seq=?",
                    (*row, known[article.id][0]),
                )
            else:
                db.execute(
                    "INSERT INTO articles (content_hash, published, source, title, body, fields, sig, "
                    "shingles, id, case_id, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)",
                    (*row, article.id, batch),
                )

    def _write_pairs(self, scored: Sequence[ScoredPair], seq_of: Mapping[ArticleId, int]) -> None:
        """Store the new pairs with their weights (and contributions, see below), and the links.

        Weights are stored, not rebuilt from levels: term-frequency adjustment makes them depend on
        the values behind the levels.
        """
        threshold = self.config.cluster.threshold
        wanted = {tuple(level.split(":", 1)) for level in self.config.cluster.conflict_levels}
        pair_rows = []
        link_rows = []
        for pair in scored:
            x, y = sorted((seq_of[pair.a], seq_of[pair.b]))
            # Links keep every contribution (they explain cases); other pairs only those clustering
            # reads (conflict levels), which keeps the store small when blocking is generous.
            contributions = [
                [c.name, c.label, c.weight, c.detail]
                for c in pair.contributions
                if pair.probability >= threshold or (c.name, c.label) in wanted
            ]
            pair_rows.append(
                (
                    x,
                    y,
                    pair.match_weight,
                    pair.probability,
                    _pack(contributions),
                    self._rule_mask(pair.rules),
                )
            )
            if pair.probability >= threshold:
                link_rows += [(x, y), (y, x)]
        self._db.executemany("INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?, ?, ?)", pair_rows)
        self._db.executemany("INSERT OR IGNORE INTO links VALUES (?, ?)", link_rows)

    # ------------------------------------------------------------------ re-clustering

    def _closure(self, start: set[int]) -> set[int]:
        """The link components of ``start``, closed under current case membership."""
        seen = set(start)
        frontier = set(start)
        while frontier:
            step: set[int] = set()
            ordered = sorted(frontier)
            for chunk in _chunks(ordered):
                marks = ",".join("?" * len(chunk))
                step.update(
                    r[0]
                    for r in self._db.execute(
                        f"SELECT y FROM links WHERE x IN ({marks})", tuple(chunk)
                    )
                )
                step.update(
                    r[0]
                    for r in self._db.execute(
                        "SELECT seq FROM articles WHERE case_id != '' AND case_id IN "
                        f"(SELECT case_id FROM articles WHERE seq IN ({marks}))",
                        tuple(chunk),
                    )
                )
            frontier = step - seen
            seen |= frontier
        return seen

    def _stored_pairs(
        self,
        region: set[int],
        ids: Mapping[int, ArticleId],
        fresh: Mapping[tuple[str, str], ScoredPair],
    ) -> list[ScoredPair]:
        """Every stored pair inside ``region`` as it was scored (fresh ones as just scored).

        Clustering reads a pair's contributions only to find ``[cluster] conflict_levels``, so only
        those are unpacked (none by default): rebuilding every contribution of every pair cost more
        than the clustering itself.
        """
        wanted = {tuple(level.split(":", 1)) for level in self.config.cluster.conflict_levels}
        rule_names: dict[int, tuple[str, ...]] = {}
        pairs = list(fresh.values())
        for chunk in _chunks(sorted(region)):
            marks = ",".join("?" * len(chunk))
            for a, b, weight, probability, blob, rules in self._db.execute(
                "SELECT a, b, weight, probability, contributions, rules FROM pairs "
                f"WHERE a IN ({marks})",
                tuple(chunk),
            ):
                if b not in region:
                    continue
                x, y = sorted((ids[a], ids[b]))
                if (x, y) in fresh:
                    continue
                contributions = (
                    [
                        Contribution(str(f), str(level), float(w), str(detail))
                        for f, level, w, detail in _unpack(blob)
                        if (f, level) in wanted
                    ]
                    if wanted
                    else []
                )
                names = rule_names.get(rules)
                if names is None:
                    names = rule_names[rules] = self._rule_names(rules)
                pairs.append(
                    ScoredPair(x, y, float(weight), float(probability), contributions, names)
                )
        return pairs

    def _recluster(self, changed: set[int], scored: list[ScoredPair], change: _Change) -> None:
        region = self._closure(changed)
        info: dict[int, tuple[ArticleId, CaseId]] = {}
        for chunk in _chunks(sorted(region)):
            marks = ",".join("?" * len(chunk))
            for seq, aid, cid in self._db.execute(
                f"SELECT seq, id, case_id FROM articles WHERE seq IN ({marks})", tuple(chunk)
            ):
                info[seq] = (aid, cid)
        ids = {seq: aid for seq, (aid, _cid) in info.items()}
        seq_of = {aid: seq for seq, aid in ids.items()}
        fresh = {p.key: p for p in scored if p.a in seq_of and p.b in seq_of}
        profiles = {p.article_id: p for p in self._load_profiles(region).values()}
        incidents = cluster_incidents(
            sorted(seq_of),
            self._stored_pairs(region, ids, fresh),
            self.config.cluster,
            profiles=profiles,
            shift=self._state.density_shift if self._state is not None else None,
        )
        # Old cases in the region, each anchored at its oldest article.
        old_members: dict[CaseId, set[int]] = defaultdict(set)
        for seq, (_aid, cid) in info.items():
            if cid:
                old_members[cid].add(seq)
        anchor_case = {min(members): cid for cid, members in old_members.items()}
        clusters = [sorted(seq_of[a] for a in inc.article_ids) for inc in incidents]
        final: list[CaseId] = []
        for inc, members in zip(incidents, clusters, strict=True):
            owners = sorted(s for s in members if s in anchor_case)
            final.append(
                anchor_case[owners[0]] if owners else self._fresh_id(inc.incident_id, final)
            )
        links = [p for p in scored if p.probability >= self.config.cluster.threshold]
        touched: list[tuple[CaseId, list[int]]] = []
        for members, cid in zip(clusters, final, strict=True):
            absorbed = [anchor_case[s] for s in sorted(s for s in members if s in anchor_case)][1:]
            before = old_members.get(cid, set())
            if set(members) == before and not absorbed:
                continue
            touched.append((cid, members))
            member_ids = {ids[s] for s in members}
            reasons = _reasons([p for p in links if p.a in member_ids and p.b in member_ids])
            gained = sorted(ids[s] for s in members if not info[s][1])
            if not before:
                change.created.append(cid)
                detail = {"article_ids": sorted(member_ids), "reasons": reasons}
                self._record(change, "create", cid, [cid], detail)
            elif gained:
                change.grown.append(cid)
                detail = {"article_ids": gained, "reasons": reasons}
                self._record(change, "grow", cid, [cid], detail)
            if absorbed:
                self._merge(change, cid, absorbed, sorted(member_ids), reasons)
        cluster_of = {s: cid for members, cid in zip(clusters, final, strict=True) for s in members}
        for cid, old in sorted(old_members.items()):
            self._check_split(
                change, cid, [ids[s] for s in old], [cluster_of[s] for s in old], scored
            )
        self._write_cases(change, touched)

    def _merge(
        self,
        change: _Change,
        survivor: CaseId,
        absorbed: Sequence[CaseId],
        article_ids: Sequence[ArticleId],
        reasons: list[dict[str, Any]],
    ) -> None:
        for old in absorbed:
            change.merged.append((survivor, old))
            self._db.execute(
                "INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?)",
                (old, survivor, change.batch, change.at),
            )
            self._db.execute("UPDATE aliases SET case_id = ? WHERE case_id = ?", (survivor, old))
            self._db.execute("DELETE FROM cases WHERE id = ?", (old,))
        detail = {"absorbed": list(absorbed), "article_ids": list(article_ids), "reasons": reasons}
        self._record(change, "merge", survivor, [survivor, *absorbed], detail)

    def _check_split(
        self,
        change: _Change,
        case_id: CaseId,
        article_ids: Sequence[ArticleId],
        now_in: Sequence[CaseId],
        scored: Sequence[ScoredPair],
    ) -> None:
        """Record a split when an old case's articles now sit in more than one case."""
        parts: dict[CaseId, list[ArticleId]] = defaultdict(list)
        for aid, cid in zip(article_ids, now_in, strict=True):
            parts[cid].append(aid)
        if len(parts) < 2:
            return
        change.split.append(case_id)
        moved = [
            {"case_id": cid, "article_ids": sorted(parts[cid])}
            for cid in sorted(parts)
            if cid != case_id
        ]
        members = set(article_ids)
        reasons = _reasons([p for p in scored if p.a in members or p.b in members], strongest=True)
        involved = [case_id, *(cid for cid in sorted(parts) if cid != case_id)]
        self._record(change, "split", case_id, involved, {"parts": moved, "reasons": reasons})

    def _write_cases(self, change: _Change, touched: Sequence[tuple[CaseId, list[int]]]) -> None:
        """Write the memberships and case summaries of the clusters that changed."""
        db = self._db
        for cid, members in touched:
            db.executemany(
                "UPDATE articles SET case_id = ? WHERE seq = ?", [(cid, s) for s in members]
            )
        for cid, members in touched:
            # The summary needs titles, dates and outlets only; `case()` builds the full record.
            articles = {}
            for chunk in _chunks(members):
                marks = ",".join("?" * len(chunk))
                for aid, title, published, source in db.execute(
                    f"SELECT id, title, published, source FROM articles WHERE seq IN ({marks})",
                    tuple(chunk),
                ):
                    date = dt.date.fromisoformat(published) if published else None
                    articles[aid] = Article(aid, title, "", date, source)
            fields = {aid: ArticleFields(aid) for aid in articles}
            case = build_case(
                Incident(cid, list(articles)), articles, fields, self.config.canonical
            )
            existing = db.execute(
                "SELECT created_batch, created_at FROM cases WHERE id = ?", (cid,)
            ).fetchone()
            created_batch, created_at = existing or (change.batch, change.at)
            db.execute(
                "INSERT OR REPLACE INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    members[0],
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


def _reasons(pairs: Sequence[ScoredPair], *, strongest: bool = False) -> list[dict[str, Any]]:
    """The pairs behind a change: the strongest links, or the strongest evidence either way."""

    def rank(p: ScoredPair) -> tuple[float, str, str]:
        return (-abs(p.match_weight) if strongest else -p.match_weight, p.a, p.b)

    ranked = sorted(pairs, key=rank)[:_MAX_REASONS]
    return [
        {"a": p.a, "b": p.b, "probability": round(p.probability, 6), "explanation": p.explain()}
        for p in ranked
    ]


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
