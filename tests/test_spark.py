"""The PySpark engine: same partition as the local engine, and its building blocks."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from caselink import Config, __version__, read_articles, resolve

pytestmark = pytest.mark.spark


def _java_problem() -> str | None:
    java = shutil.which("java", path=os.path.join(os.environ.get("JAVA_HOME", ""), "bin"))
    java = java or shutil.which("java")
    if java is None:
        return (
            "Java is not installed (PySpark needs Java 17: apt-get install openjdk-17-jre-headless)"
        )
    probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"'java -version' failed: {probe.stderr.strip()[:200]}"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    """A local[2] Spark session; skips when PySpark or Java is missing."""
    pytest.importorskip(
        "pyspark", reason="PySpark is not installed (pip install 'caselink[spark]')"
    )
    pytest.importorskip(
        "pyarrow", reason="pyarrow is not installed (pip install 'caselink[spark]')"
    )
    problem = _java_problem()
    if problem:
        pytest.skip(problem)
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("caselink-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _partition(assignments: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for aid, cid in assignments.items():
        groups.setdefault(cid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


def test_spark_engine_equals_local_on_example_corpus(
    spark, example_articles: Path, tmp_path: Path
) -> None:
    """`caselink resolve --engine spark` on the bundled corpus (plus a bad row) gives the local cases."""
    from caselink.cli import main

    corpus = tmp_path / "articles.jsonl"
    bad = {"id": "broken", "title": "no body", "text": None, "published": "2023-01-01"}
    corpus.write_text(example_articles.read_text("utf-8") + json.dumps(bad) + "\n", "utf-8")
    out = tmp_path / "out"
    assert main(["resolve", str(corpus), "--out", str(out), "--engine", "spark", "--quiet"]) == 0
    lines = (out / "assignments.jsonl").read_text("utf-8").splitlines()
    got = {row["article_id"]: row["case_id"] for row in map(json.loads, lines)}
    local = resolve(read_articles(corpus), Config(progress=False))
    assert [r.article_id for r in local.rejects] == ["broken"]
    assert got == local.assignments()
    assert _partition(got) == {frozenset(c.article_ids) for c in local.cases}
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["engine"] == "spark"
    assert manifest["stats"]["candidate_pairs"] == local.manifest["counts"]["candidate_pairs"]


def test_large_star_small_star_components_equal_networkx(spark) -> None:
    """Iterative large-star/small-star joins find the same components as networkx, min id first."""
    from caselink.spark import _components

    rng = random.Random(7)
    nodes = [f"n{i:03d}" for i in range(120)]
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    # A long chain (many label-propagation rounds), a star, and random sparse edges.
    graph.add_edges_from(itertools.pairwise(nodes[:25]))
    graph.add_edges_from((nodes[60], n) for n in nodes[61:70])
    for _ in range(30):
        graph.add_edge(*rng.sample(nodes[70:], 2))
    edges = sorted((min(u, v), max(u, v)) for u, v in graph.edges)
    frame = spark.createDataFrame(edges, schema="a string, b string")
    got = {r["article_id"]: r["component"] for r in _components(frame).collect()}
    want = {
        n: min(component)
        for component in nx.connected_components(graph)
        if len(component) > 1
        for n in component
    }
    assert got == want


def test_cli_spark_engine_without_pyspark_says_what_to_install(
    monkeypatch, example_articles: Path, tmp_path, capsys
) -> None:
    """Without PySpark, `--engine spark` exits with status 2 and names the extra to install."""
    from caselink.cli import main

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    argv = ["resolve", str(example_articles), "--out", str(tmp_path), "--engine", "spark"]
    assert main(argv) == 2
    assert "caselink[spark]" in capsys.readouterr().err


def test_spark_module_imports_without_pyspark(monkeypatch) -> None:
    """Without PySpark the module imports, and using it names the extra to install."""
    from caselink import spark as engine

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ImportError, match=r"caselink\[spark\]"):
        engine.article_schema()
    assert callable(engine.resolve)
    assert __version__
