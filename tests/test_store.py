"""The case store: batch consistency, stable ids and lineage, idempotence, exports and crash safety."""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caselink import (
    Article,
    Config,
    StoreError,
    _parallel,
    cluster,
    pipeline,
    read_articles,
    resolve,
)
from caselink import (
    store as store_module,
)
from caselink.cli import main
from caselink.config import BlockingConfig, ClusterConfig
from caselink.pipeline import FittedState, fit_state
from caselink.store import SCHEMA_VERSION, CaseStore

from .conftest import EXAMPLES
from .strategies import corpora

_EXAMPLE = tuple(read_articles(EXAMPLES / "articles.jsonl").articles)

# Three articles of one case that only hold together through the middle one: X and Z share a
# reference number, Y and Z a named officer; X and Y share nothing. W is unrelated.
X = {
    "id": "x",
    "title": "Watchdog opens inquiry",
    "text": "The IOPC said its investigation, reference 2017/097039, into a complaint about a search "
    "in Worksop was continuing.",
    "published": "2021-01-02",
}
Y = {
    "id": "y",
    "title": "Officer sacked",
    "text": "PC Andrew Turner of Nottinghamshire Police was dismissed without notice at a hearing in "
    "Mansfield.",
    "published": "2021-03-02",
}
Z = {
    "id": "z",
    "title": "Hearing outcome",
    "text": "PC Andrew Turner was dismissed after the IOPC investigation 2017/097039 found he had lied.",
    "published": "2021-03-03",
}
W = {
    "id": "w",
    "title": "Fire in Leeds",
    "text": "A fire broke out in a warehouse in Leeds on Tuesday.",
    "published": "2021-03-03",
}


# X, Y and Z hold together only through Z (X and Y were never compared): with the default average
# linkage the unscored pair X-Y counts against the merge, so the lineage tests average over the
# scored pairs only, where one strong chain is one case.
CHAIN = Config(cluster=ClusterConfig(missing_pairs="ignore"))


def _partition(assignments: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for aid, cid in assignments.items():
        groups[cid].add(aid)
    return {frozenset(g) for g in groups.values()}


def _batches(articles: list[Article], cuts: list[int]) -> list[list[Article]]:
    bounds = [0, *sorted({c % (len(articles) + 1) for c in cuts}), len(articles)]
    return [articles[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _store_then_resolve(
    articles: list[Article], cuts: list[int], config: Config, *, supplied: bool
) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    state = fit_state(articles, config) if supplied else None
    with (
        tempfile.TemporaryDirectory() as tmp,
        CaseStore.open(Path(tmp) / "s.db", config, state=state) as store,
    ):
        for batch in _batches(articles, cuts):
            store.add(batch)
        got = _partition(store.assignments())
        expected = resolve(articles, config, state=store.state)
    return got, {frozenset(c.article_ids) for c in expected.cases}


@settings(max_examples=25)
@given(
    st.permutations(_EXAMPLE).flatmap(
        lambda arts: st.tuples(
            st.integers(3, len(arts)).map(lambda n: list(arts[:n])),
            st.lists(st.integers(0, 100), max_size=6),
            st.sampled_from((2, 4, 50)),
            st.sampled_from((0.2, 0.5, 0.9)),
            st.booleans(),
            st.sampled_from(((), ("reference:else", "officer:else"))),
        )
    )
)
def test_batches_in_any_order_end_in_the_batch_partition(drawn) -> None:
    """Adding a corpus in any batches and order ends in the partition of one resolve with the store's state."""
    articles, cuts, cap, threshold, supplied, conflicts = drawn
    config = Config(
        blocking=BlockingConfig(max_block_size=cap, max_term_postings=cap),
        cluster=ClusterConfig(threshold=threshold, conflict_levels=conflicts),
    )
    got, expected = _store_then_resolve(articles, cuts, config, supplied=supplied)
    assert got == expected


@settings(max_examples=25)
@given(corpora(max_size=15), st.lists(st.integers(0, 100), max_size=5), st.booleans())
def test_generated_corpora_in_batches_match_batch(articles, cuts, supplied) -> None:
    """On generated corpora too, batches end where one resolve with the same fixed state ends."""
    got, expected = _store_then_resolve(articles, cuts, Config(), supplied=supplied)
    assert got == expected


@settings(max_examples=10)
@given(st.permutations(_EXAMPLE), st.lists(st.integers(0, 100), max_size=5))
def test_stored_pairs_are_the_batch_pairs_with_the_same_scores(articles, cuts) -> None:
    """The store holds exactly the candidate pairs of one resolve with its state, scored identically."""
    with tempfile.TemporaryDirectory() as tmp, CaseStore.open(Path(tmp) / "s.db") as store:
        for batch in _batches(list(articles), cuts):
            store.add(batch)
        expected = resolve(articles, state=store.state)
        stored = store.pairs()
    assert stored == {p.key: p.match_weight for p in expected.pairs}


def test_resolve_with_its_own_fitted_state_is_resolve() -> None:
    """Passing the state fitted on the input changes nothing: same pairs, scores and cases."""
    plain = resolve(_EXAMPLE)
    fixed = resolve(_EXAMPLE, state=fit_state(_EXAMPLE))
    assert [(p.key, p.match_weight, p.probability) for p in fixed.pairs] == [
        (p.key, p.match_weight, p.probability) for p in plain.pairs
    ]
    assert fixed.assignments() == plain.assignments()


def test_fitted_state_round_trips_through_json() -> None:
    """A state written with to_dict and read back scores a corpus exactly as the original."""
    state = fit_state(_EXAMPLE[:12])
    again = FittedState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again.to_dict() == state.to_dict()
    first, second = resolve(_EXAMPLE, state=state), resolve(_EXAMPLE, state=again)
    assert [(p.key, p.probability) for p in first.pairs] == [
        (p.key, p.probability) for p in second.pairs
    ]


def test_single_add_gives_the_ids_of_resolve(tmp_path) -> None:
    """One add to an empty store gives the cases and case ids of resolve."""
    with CaseStore.open(tmp_path / "s.db") as store:
        report = store.add(_EXAMPLE)
        expected = resolve(_EXAMPLE, state=store.state)
        assert store.assignments() == expected.assignments()
        assert sorted(report.created) == sorted(c.case_id for c in expected.cases)
        assert store.case(expected.cases[0].case_id) == expected.cases[0]


def test_same_batches_give_the_same_ids(tmp_path) -> None:
    """Two stores fed the same batches in the same order name their cases identically."""
    batches = [_EXAMPLE[i : i + 9] for i in range(0, len(_EXAMPLE), 9)]
    results = []
    for name in ("a.db", "b.db"):
        with CaseStore.open(tmp_path / name) as store:
            for batch in batches:
                store.add(batch)
            results.append(store.assignments())
    assert results[0] == results[1]


def test_case_keeps_its_id_when_it_grows(tmp_path) -> None:
    """A case that gains an article keeps its id, and the growth is recorded."""
    with CaseStore.open(tmp_path / "s.db") as store:
        first = store.add([X, W])
        case_id = first.assignments["x"]
        second = store.add([Z])
        assert second.assignments["z"] == case_id
        assert second.grown == (case_id,)
        kinds = [e.kind for e in store.history(case_id)]
        assert kinds == ["create", "grow"]
        assert "2017/097039" in store.history(case_id)[1].detail["reasons"][0]["explanation"]


def test_merge_keeps_the_older_id_and_the_other_resolves(tmp_path) -> None:
    """Two cases joined by a new article merge under the older id; the younger id becomes an alias."""
    with CaseStore.open(tmp_path / "s.db", CHAIN) as store:
        older = store.add([X]).assignments["x"]
        younger = store.add([Y]).assignments["y"]
        assert older != younger
        report = store.add([Z])
        assert report.merged == ((older, younger),)
        assert store.case(younger).case_id == older
        assert store.case(younger).article_ids == ("x", "y", "z")
        assert store.aliases() == {younger: older}
        merge = [e for e in store.history(younger) if e.kind == "merge"]
        assert merge[0].detail["absorbed"] == [younger]
        assert {(r["a"], r["b"]) for r in merge[0].detail["reasons"]} == {("x", "z"), ("y", "z")}
        assert older in {c.case_id for c in store.cases()}
        assert younger not in {c.case_id for c in store.cases()}


def test_split_keeps_the_id_with_the_oldest_article(tmp_path) -> None:
    """When an update removes the bridge, the part with the oldest article keeps the id."""
    with CaseStore.open(tmp_path / "s.db", CHAIN) as store:
        case_id = store.add([Y]).assignments["y"]
        store.add([X, Z])
        assert store.case(case_id).article_ids == ("x", "y", "z")
        # The update shares nothing with x or y any more (no force, town, name, reference or title).
        bridge_gone = dict(
            Z, title="Library opens", text="A new library opened to readers on Monday."
        )
        report = store.add([bridge_gone])
        assert report.updated == 1
        assert report.split == (case_id,)
        assert "y" in store.case(case_id).article_ids
        assert "x" not in store.case(case_id).article_ids
        x_case = store.case_of("x").case_id
        assert x_case != case_id
        kinds = [e.kind for e in store.history(case_id)]
        assert "update" in kinds
        assert "split" in kinds
        split = next(e for e in store.history(case_id) if e.kind == "split")
        assert {p["case_id"] for p in split.detail["parts"]} == {x_case, store.case_of("z").case_id}


def test_readding_the_same_articles_changes_nothing(tmp_path) -> None:
    """Re-adding known articles with the same content leaves the store exactly as it was."""
    path = tmp_path / "s.db"
    with CaseStore.open(path) as store:
        store.add(_EXAMPLE[:20])
        before = (store.assignments(), store.batches(), store.cases(), store.aliases())
        report = store.add(list(reversed(_EXAMPLE[:20])))
        assert (report.batch, report.added, report.updated, report.unchanged) == (None, 0, 0, 20)
        assert (store.assignments(), store.batches(), store.cases(), store.aliases()) == before
        assert report.assignments == {a.id: before[0][a.id] for a in _EXAMPLE[:20]}


def test_changed_content_is_an_update(tmp_path) -> None:
    """The same id with changed content replaces the stored article and records an update."""
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add([X, W])
        report = store.add([dict(W, text="A fire broke out in a warehouse in Leeds on Wednesday.")])
        assert (report.added, report.updated) == (0, 1)
        stored = {a.id: a for a in store.articles()}
        assert stored["w"].text.endswith("Wednesday.")
        events = store.history(store.case_of("w").case_id)
        assert events[-1].kind == "update"
        assert events[-1].detail["article_id"] == "w"


def test_bad_records_are_set_aside_and_nothing_stored_is_lost(tmp_path) -> None:
    """A batch with bad records stores the good ones, reports the bad ones and keeps what was stored."""
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add(_EXAMPLE[:10])
        before = store.assignments()
        report = store.add([X, {"id": "bad", "title": 3, "text": "x"}, {"id": "no-text"}])
        assert report.added == 1
        assert sorted(r.article_id for r in report.rejects) == ["bad", "no-text"]
        after = store.assignments()
        assert {k: v for k, v in after.items() if k != "x"} == before
        assert store.batches()[-1]["rejected"] == 2


def test_a_failing_add_rolls_back(tmp_path, monkeypatch) -> None:
    """An error inside an add leaves the store exactly as before it."""
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add(_EXAMPLE[:10])
        before = (store.assignments(), store.batches(), len(store))

        def boom(*_args, **_kwargs):
            msg = "disk on fire"
            raise RuntimeError(msg)

        monkeypatch.setattr(store, "_recluster", boom)
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.add(_EXAMPLE[10:20])
        assert (store.assignments(), store.batches(), len(store)) == before


def test_state_and_config_persist_across_opens(tmp_path) -> None:
    """A reopened store keeps its fitted state and configuration; a different config is refused."""
    config = Config(cluster=ClusterConfig(threshold=0.7))
    path = tmp_path / "s.db"
    with CaseStore.open(path, config) as store:
        store.add(_EXAMPLE[:12])
        state = store.state
    with CaseStore.open(path) as store:
        assert store.config.cluster.threshold == 0.7
        assert store.state is not None
        assert store.state.boilerplate == state.boilerplate
        assert store.state.model == state.model
        assert store.schema_version == SCHEMA_VERSION
    with pytest.raises(StoreError, match="another configuration"):
        CaseStore.open(path, Config())


def test_unusable_files_are_refused(tmp_path) -> None:
    """A missing store (without create), a foreign SQLite file and a newer schema each raise StoreError."""
    with pytest.raises(StoreError, match="no case store"):
        CaseStore.open(tmp_path / "missing.db", create=False)
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a caselink store"):
        CaseStore.open(foreign)
    newer = tmp_path / "newer.db"
    CaseStore.open(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="upgrade caselink"):
        CaseStore.open(newer)


def _v1_store(tmp_path: Path, name: str) -> Path:
    """A schema-version-1 store written by the caselink of commit 7f4fc59 (see tests/data)."""
    path = tmp_path / "v1.db"
    dump = gzip.decompress((Path(__file__).parent / "data" / name).read_bytes()).decode()
    with sqlite3.connect(path) as db:
        db.executescript(dump)
    db.close()
    return path


def test_a_store_keeps_blocking_as_created_when_settings_are_newer(tmp_path) -> None:
    """Blocking settings newer than a store's config take the values the store was written with."""
    path = tmp_path / "old.db"
    with CaseStore.open(path) as store:
        store.add(_EXAMPLE[:10])
    with sqlite3.connect(path) as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key='config'").fetchone()[0])
        for name in ("name_long_window_days", "term_long_gap_days", "max_plain_name_block_size"):
            del config["blocking"][name]
        config["blocking"]["max_name_block_size"] = 120
        db.execute("UPDATE meta SET value=? WHERE key='config'", (json.dumps(config),))
    db.close()
    with CaseStore.open(path) as store:
        blocking = store.config.blocking
        assert (blocking.name_long_window_days, blocking.term_long_gap_days) == (0, 0)
        assert blocking.max_plain_name_block_size == blocking.max_name_block_size == 120
    with CaseStore.open(tmp_path / "new.db") as store:
        assert store.config.blocking == Config().blocking


@pytest.mark.parametrize("name", ["store_v1.sql.gz", "store_v1_conflicts.sql.gz"])
def test_a_version_1_store_migrates(tmp_path, name) -> None:
    """A store written with schema version 1 opens as version 2 keeping its cases, ids, aliases,
    history and pairs, and later adds still end in the partition of one resolve."""
    path = _v1_store(tmp_path, name)
    with sqlite3.connect(path) as db:
        before = dict(db.execute("SELECT id, case_id FROM articles").fetchall())
        old_pairs = {
            tuple(sorted((a, b))): w
            for a, b, w in db.execute(
                "SELECT x.id, y.id, p.weight FROM pairs p "
                "JOIN articles x ON x.seq = p.a JOIN articles y ON y.seq = p.b"
            )
        }
        old_cases = [r[0] for r in db.execute("SELECT id FROM cases ORDER BY id")]
        old_aliases = dict(db.execute("SELECT old_id, case_id FROM aliases").fetchall())
        events = db.execute("SELECT count(*) FROM history").fetchone()[0]
    db.close()
    with CaseStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        assert store.assignments() == before
        assert [c.case_id for c in store.cases()] == old_cases
        assert {old: store.resolve_id(old) for old in old_aliases} == old_aliases
        assert sum(len(store.history(cid)) for cid in old_cases) >= events > 0
        assert store.pairs() == old_pairs
        # Later adds (new articles, and an update) pair with the stored ones through the rebuilt
        # index exactly as this caselink's resolve pairs them. (Pairs among the stored articles
        # keep the scores they were stored with: a store is not re-scored by a newer caselink.)
        stored = list(store.articles())
        rest = sorted(_EXAMPLE, key=lambda a: a.id)[24:]
        store.add(rest[:7])
        edited = attrs.evolve(stored[0], text=stored[0].text + " A later correction.")
        report = store.add([*rest[7:], edited])
        assert report.updated == 1
        final = [*(a for a in stored if a.id != edited.id), edited, *rest]
        expected = resolve(final, store.config, state=store.state)
        fresh = {edited.id, *(a.id for a in rest)}
        got = store.pairs()
        assert {k: w for k, w in got.items() if fresh & set(k)} == {
            p.key: p.match_weight for p in expected.pairs if fresh & set(p.key)
        }
        assert {k: w for k, w in got.items() if not fresh & set(k)} == {
            k: w for k, w in old_pairs.items() if edited.id not in k
        }
        kept = {cid for cid in before.values() if cid in store.assignments().values()}
        assert kept  # old case ids live on
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    assert {"lsh", "keys", "terms"}.isdisjoint(tables)


def test_unknown_case_ids_raise_key_error(tmp_path) -> None:
    """Looking up an id that was never a case raises KeyError saying how to list cases."""
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add([W])
        with pytest.raises(KeyError, match="caselink cases"):
            store.case("case-nope")


def test_store_uses_wal_and_compressed_text(tmp_path) -> None:
    """The store runs in WAL mode and keeps article text compressed."""
    path = tmp_path / "s.db"
    long = dict(W, text="The warehouse fire in Leeds was put out by crews. " * 200)
    with CaseStore.open(path) as store:
        store.add([long])
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        (body,) = db.execute("SELECT body FROM texts").fetchone()
    assert len(body) < len(long["text"]) / 5


def test_export_jsonl_and_csv(tmp_path) -> None:
    """Exports hold every case (with aliases) as JSONL and every article as CSV rows."""
    with CaseStore.open(tmp_path / "s.db", CHAIN) as store:
        store.add([X])
        store.add([Y])
        store.add([Z, W])
        jsonl = store.export(tmp_path / "cases.jsonl")
        rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
        assert sorted(tuple(r["article_ids"]) for r in rows) == [("w",), ("x", "y", "z")]
        merged = next(r for r in rows if r["size"] == 3)
        assert merged["aliases"] == sorted(store.aliases())
        assert len(merged["aliases"]) == 1
        assert merged["case_id"] == store.case_of("x").case_id
        csv_text = store.export(tmp_path / "cases.csv", format="csv").read_text(encoding="utf-8")
        lines = csv_text.splitlines()
        assert lines[0] == "case_id,article_id,published,source,title,case_headline"
        assert len(lines) == 5
        with pytest.raises(StoreError, match="jsonl"):
            store.export(tmp_path / "x.parquet", format="parquet")  # type: ignore[arg-type]


def test_to_pandas(tmp_path) -> None:
    """to_pandas gives one row per case."""
    pd = pytest.importorskip("pandas")
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add(_EXAMPLE)
        frame = store.to_pandas()
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) == store.count_cases()
        assert frame["size"].sum() == len(_EXAMPLE)


def test_to_pandas_without_pandas_names_the_extra(tmp_path, monkeypatch) -> None:
    """Without pandas, to_pandas raises an ImportError naming caselink[pandas]."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add([W])
        with pytest.raises(ImportError, match=r"caselink\[pandas\]"):
            store.to_pandas()


def test_cases_since_lists_only_recent_changes(tmp_path) -> None:
    """cases(since=...) lists the cases created or changed at or after the given time."""
    with CaseStore.open(tmp_path / "s.db") as store:
        store.add([W])
        assert [c.case_id for c in store.cases(since="2000-01-01")] == [
            c.case_id for c in store.cases()
        ]
        assert store.cases(since="2999-01-01") == []


def test_cli_add_cases_history(tmp_path, capsys) -> None:
    """The add, cases and history commands work on one store, and an alias resolves in history."""
    db = str(tmp_path / "cases.db")
    config = tmp_path / "chain.toml"
    config.write_text('[cluster]\nmissing_pairs = "ignore"\n', encoding="utf-8")
    for i, record in enumerate((X, Y, Z)):
        path = tmp_path / f"b{i}.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        assert main(["add", "--db", db, str(path), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "1 merges" in out
    assert main(["cases", "--db", db, "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [c["size"] for c in listed] == [3]
    with CaseStore.open(db) as store:
        (alias,) = store.aliases()
    assert main(["history", "--db", db, alias]) == 0
    history = capsys.readouterr().out
    assert f"{alias} was merged into {listed[0]['case_id']}" in history
    assert " merge " in history
    assert main(["history", "--db", db, "case-nope"]) == 2
    assert main(["cases", "--db", str(tmp_path / "none.db")]) == 2
    assert main(["cases", "--db", db, "--since", "yesterday"]) == 2


_WRITER = textwrap.dedent(
    """
    import json, sys
    from caselink.store import CaseStore
    batches = json.load(open(sys.argv[2], encoding="utf-8"))
    store = CaseStore.open(sys.argv[1])
    for number, batch in enumerate(batches, start=1):
        store.add(batch)
        print(number, flush=True)
    """
)


def _crash_batches() -> list[list[dict[str, object]]]:
    rows = []
    for copy in range(5):
        for article in _EXAMPLE:
            row = article.to_dict()
            row["id"] = f"{article.id}-{copy}"
            rows.append(row)
    return [rows[i : i + 19] for i in range(0, len(rows), 19)]


@pytest.mark.parametrize("seed", range(5))
def test_sigkill_during_adds_leaves_exactly_the_committed_batches(tmp_path, seed) -> None:
    """A process killed at a random point leaves a sound store holding exactly the committed batches."""
    batches = _crash_batches()
    plan = tmp_path / "batches.json"
    plan.write_text(json.dumps(batches), encoding="utf-8")
    db = tmp_path / "crash.db"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db), str(plan)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the store is open and batch 1 is committed
    time.sleep(random.Random(seed).uniform(0.0, 1.0))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    printed = len((first + out).split())
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with CaseStore.open(db) as store:
        committed = len(store.batches())
        assert committed in (printed, printed + 1)
        expected = {row["id"] for batch in batches[:committed] for row in batch}
        assignments = store.assignments()
        assert set(assignments) == expected
        assert {aid for c in store.cases() for aid in store.case(c.case_id).article_ids} == expected
        # The store goes on: adding everything again ends where an uninterrupted run ends.
        for batch in batches:
            store.add(batch)
        everything = [Article.from_mapping(row) for batch in batches for row in batch]
        expected_partition = {
            frozenset(c.article_ids) for c in resolve(everything, state=store.state).cases
        }
        assert _partition(store.assignments()) == expected_partition


def test_history_event_describe_reads_well(tmp_path) -> None:
    """Every kind of event renders as one readable line naming its case."""
    with CaseStore.open(tmp_path / "s.db", CHAIN) as store:
        store.add([X])
        store.add([Y])
        store.add([Z])
        events = store.history(store.case_of("x").case_id)
        lines = [e.describe() for e in events]
        assert all(e.case_id in line for e, line in zip(events, lines, strict=True))
        assert any("absorbed" in line for line in lines)
        assert attrs.asdict(events[0])["kind"] == "create"


def test_two_handles_share_the_first_fitted_state(tmp_path) -> None:
    """A second handle opened before the first add picks up the state the first handle fitted."""
    path = tmp_path / "s.db"
    with CaseStore.open(path) as first, CaseStore.open(path) as second:
        first.add(_EXAMPLE[:20])
        second.add(_EXAMPLE[20:])
        assert second.state is not None
        assert second.state.boilerplate == first.state.boilerplate
        assert len(second) == len(_EXAMPLE)


def test_rolled_back_first_add_leaves_no_state(tmp_path, monkeypatch) -> None:
    """When the first add fails, the state it fitted is rolled back with it."""
    with CaseStore.open(tmp_path / "s.db") as store:

        def boom(*_args, **_kwargs):
            msg = "no"
            raise RuntimeError(msg)

        monkeypatch.setattr(store, "_recluster", boom)
        with pytest.raises(RuntimeError):
            store.add(_EXAMPLE[:5])
        assert store.state is None
        monkeypatch.undo()
        store.add(_EXAMPLE[5:10])
        assert store.state is not None
        assert store.state.boilerplate == fit_state(_EXAMPLE[5:10]).boilerplate


@settings(max_examples=15)
@given(
    st.permutations(_EXAMPLE).map(lambda arts: list(arts[:20])),
    st.lists(
        st.tuples(st.integers(0, 19), st.integers(0, len(_EXAMPLE) - 1)), min_size=1, max_size=6
    ),
    st.sampled_from((2, 50)),
)
def test_updates_end_in_the_batch_partition_of_the_final_versions(articles, edits, cap) -> None:
    """After updates (same id, new content), the store's partition is that of resolve on the final versions."""
    config = Config(blocking=BlockingConfig(max_block_size=cap, max_term_postings=cap))
    final = {a.id: a for a in articles}
    with tempfile.TemporaryDirectory() as tmp, CaseStore.open(Path(tmp) / "s.db", config) as store:
        store.add(articles[:10])
        store.add(articles[10:])
        for target, donor in edits:
            old = articles[target]
            new = attrs.evolve(
                final[old.id],
                title=_EXAMPLE[donor].title,
                text=_EXAMPLE[donor].text,
                published=_EXAMPLE[donor].published,
            )
            final[old.id] = new
            store.add([new])
        expected = resolve(list(final.values()), config, state=store.state)
        assert _partition(store.assignments()) == {frozenset(c.article_ids) for c in expected.cases}
        assert {a.id: a.text for a in store.articles()} == {k: v.text for k, v in final.items()}


def test_worker_processes_change_nothing(tmp_path, monkeypatch) -> None:
    """Adds split over two worker processes give exactly the cases and history of one process."""
    # Pools start from a handful of items (by default only from hundreds), and re-clustering uses
    # them whatever the size of its region (by default only from 20,000 articles).
    for name in ("iter_batches", "parallel_map"):
        monkeypatch.setattr(
            pipeline, name, functools.partial(getattr(_parallel, name), min_items=2)
        )
    monkeypatch.setattr(
        cluster, "parallel_map", functools.partial(_parallel.parallel_map, min_items=2)
    )
    monkeypatch.setattr(store_module, "_POOLED_REGION", 0)
    outcomes = [
        _added_in_batches(tmp_path / f"w{workers}.db", 13, workers=workers) for workers in (1, 2)
    ]
    assert outcomes[0] == outcomes[1]


def _added_in_batches(
    path: Path, batch: int, **options: Any
) -> tuple[dict[str, str], list[tuple[str, str, dict[str, Any]]]]:
    """The example corpus added to a new store in batches: its assignments and its full history."""
    with CaseStore.open(path, **options) as store:
        for i in range(0, len(_EXAMPLE), batch):
            store.add(_EXAMPLE[i : i + batch])
        history = [
            (e.kind, e.case_id, dict(e.detail))
            for c in store.cases()
            for e in store.history(c.case_id)
        ]
        return store.assignments(), history


@pytest.mark.parametrize("cache", [0, 1, 7])
def test_a_small_profile_cache_changes_nothing(tmp_path, monkeypatch, cache) -> None:
    """Profiles evicted from the cache are decoded from the file again: same cases, same history."""
    outcomes = []
    for size in (cache, 1_000_000):
        monkeypatch.setattr(store_module, "_PROFILE_CACHE", size)
        outcomes.append(_added_in_batches(tmp_path / f"c{size}.db", 11))
    assert outcomes[0] == outcomes[1]
