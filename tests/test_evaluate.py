"""Evaluation metrics against brute-force definitions and known values."""

from __future__ import annotations

import itertools
import json

from hypothesis import given
from hypothesis import strategies as st

from caselink.cli import main
from caselink.evaluate import (
    adjusted_rand_index,
    b_cubed,
    evaluate,
    pair_completeness,
    pairwise,
    threshold_sweep,
    v_measure,
)
from caselink.models import ScoredPair

labelings = st.lists(st.sampled_from("xyzw"), min_size=1, max_size=10)


def _maps(gold: list[str], pred: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    ids = [f"a{i}" for i in range(len(gold))]
    return dict(zip(ids, gold, strict=True)), dict(zip(ids, pred[: len(gold)], strict=True))


@given(labelings, labelings)
def test_pairwise_and_b_cubed_match_brute_force(g: list[str], p: list[str]) -> None:
    """Pairwise and B-cubed scores equal their definitions computed pair by pair and item by item."""
    p = (p * len(g))[: len(g)]
    gold, pred = _maps(g, p)
    pairs = list(itertools.combinations(sorted(gold), 2))
    tp = sum(1 for a, b in pairs if gold[a] == gold[b] and pred[a] == pred[b])
    in_pred = sum(1 for a, b in pairs if pred[a] == pred[b])
    in_gold = sum(1 for a, b in pairs if gold[a] == gold[b])
    got = pairwise(gold, pred)
    assert got["precision"] == (tp / in_pred if in_pred else 0.0)
    assert got["recall"] == (tp / in_gold if in_gold else 0.0)
    ids = sorted(gold)
    prec = sum(
        sum(1 for y in ids if pred[y] == pred[x] and gold[y] == gold[x])
        / sum(1 for y in ids if pred[y] == pred[x])
        for x in ids
    ) / len(ids)
    assert abs(b_cubed(gold, pred)["precision"] - prec) < 1e-12


@given(labelings)
def test_identical_partitions_score_one_under_relabelling(g: list[str]) -> None:
    """A prediction equal to gold up to label names scores 1 on every metric."""
    gold, _ = _maps(g, g)
    pred = {k: f"case-{v}" for k, v in gold.items()}
    assert adjusted_rand_index(gold, pred) == 1.0
    assert v_measure(gold, pred)["v_measure"] == 1.0
    assert b_cubed(gold, pred)["f1"] == 1.0


@given(labelings, labelings)
def test_ari_symmetric_and_v_measure_bounded(g: list[str], p: list[str]) -> None:
    """ARI is symmetric in its arguments; V-measure and its parts lie in [0, 1]."""
    p = (p * len(g))[: len(g)]
    gold, pred = _maps(g, p)
    assert abs(adjusted_rand_index(gold, pred) - adjusted_rand_index(pred, gold)) < 1e-12
    for value in v_measure(gold, pred).values():
        assert -1e-12 <= value <= 1 + 1e-12


def test_known_values() -> None:
    """ARI is 0 on a textbook chance-level example; missing predictions count as singletons."""
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert adjusted_rand_index(gold, {"a": "x", "b": "x", "c": "x", "d": "y"}) == 0.0
    assert pairwise(gold, {})["recall"] == 0.0
    assert pair_completeness([("b", "a")], gold) == 0.5


def test_threshold_sweep_counts_links_per_threshold() -> None:
    """Raising the threshold drops low-probability links, trading recall for precision."""
    gold = {"a": "1", "b": "1", "c": "2"}
    pairs = [ScoredPair("a", "b", 5.0, 0.97, ()), ScoredPair("a", "c", 0.0, 0.4, ())]
    low, high = threshold_sweep(pairs, gold, [0.3, 0.9])
    assert (low["pairs"], low["precision"], low["recall"]) == (2, 0.5, 1.0)
    assert (high["pairs"], high["precision"], high["recall"]) == (1, 1.0, 1.0)
    report = evaluate(gold, {"a": "x", "b": "x", "c": "y"}, pairs)
    assert report["ari"] == 1.0
    assert len(report["threshold_sweep"]) > 2


def test_cli_explain_and_eval(tmp_path, example_articles, example_gold, capsys) -> None:  # type: ignore[no-untyped-def]
    """`caselink explain` prints a reasoned sentence; `caselink eval` prints metrics and writes JSON."""
    out = tmp_path / "out"
    assert main(["resolve", str(example_articles), "--out", str(out), "--quiet"]) == 0
    link = json.loads((out / "pairs.jsonl").read_text().splitlines()[0])
    capsys.readouterr()
    assert main(["explain", str(out), link["b"], link["a"]]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("same case: ")
    assert "(+" in printed
    assert main(["explain", str(out), link["a"], link["b"], "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["same_case"] is True
    assert payload["pair"]["contributions"]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps({"id": k, "incident_id": v}) + "\n" for k, v in example_gold.items())
    )
    assert main(["eval", str(out), str(gold)]) == 0
    assert "ARI 1.0000" in capsys.readouterr().out
    assert json.loads((out / "eval.json").read_text())["pairwise"]["f1"] == 1.0
    assert main(["explain", str(out), "nope", link["a"]]) == 2
