"""The `caselink resolve` contract: files written, exit codes, determinism across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from caselink.cli import main

OUTPUTS = ("assignments.jsonl", "cases.jsonl", "pairs.jsonl", "manifest.json", "rejects.jsonl")


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_resolve_writes_every_output(tmp_path, example_articles, capsys) -> None:
    """All five outputs exist; assignments cover every article; the summary line is printed."""
    out = tmp_path / "out"
    assert main(["resolve", str(example_articles), "--out", str(out)]) == 0
    for name in OUTPUTS:
        assert (out / name).is_file()
    ids = {row["id"] for row in _lines(example_articles)}
    assert {row["article_id"] for row in _lines(out / "assignments.jsonl")} == ids
    cases = _lines(out / "cases.jsonl")
    assert sum(len(c["article_ids"]) for c in cases) == len(ids)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["articles"] == len(ids)
    assert set(manifest["timings_s"]) >= {"extract", "blocking", "score", "cluster"}
    assert all(p["contributions"] for p in _lines(out / "pairs.jsonl"))
    assert "cases" in capsys.readouterr().out


def test_rejects_do_not_fail_the_run(tmp_path, capsys) -> None:
    """A file with one bad line exits 0 and lists the line in rejects.jsonl."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "x"}) + "\nnot json\n")
    assert main(["resolve", str(src), "--out", str(tmp_path / "o")]) == 0
    rejects = _lines(tmp_path / "o" / "rejects.jsonl")
    assert [r["line"] for r in rejects] == [2]
    assert "1 rejected" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "does not exist"), ("", "empty"), ("plain words\n", "no JSON at all")],
    ids=["missing", "empty", "not-json"],
)
def test_unusable_input_exits_non_zero(tmp_path, capsys, content, message) -> None:
    """Unusable input exits 2 with a message on stderr."""
    src = tmp_path / "in.jsonl"
    if content is not None:
        src.write_text(content)
    assert main(["resolve", str(src), "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err


def test_bad_config_exits_non_zero(tmp_path, example_articles, capsys) -> None:
    """An invalid config file exits 2 naming the setting."""
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"cluster": {"threshold": 5}}))
    assert (
        main(["resolve", str(example_articles), "--out", str(tmp_path / "o"), "--config", str(cfg)])
        == 2
    )
    assert "[cluster] threshold" in capsys.readouterr().err


def test_outputs_identical_across_hash_seeds_and_input_order(tmp_path, example_articles) -> None:
    """Two processes with different PYTHONHASHSEED, one on shuffled input, write identical results."""
    lines = example_articles.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    runs = []
    for seed, src in (("1", example_articles), ("99", shuffled)):
        out = tmp_path / f"out{seed}"
        subprocess.run(
            [sys.executable, "-m", "caselink.cli", "resolve", str(src), "--out", str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        runs.append(
            {name: (out / name).read_bytes() for name in OUTPUTS if name != "manifest.json"}
        )
    assert runs[0] == runs[1]


def test_closed_pipe_is_not_an_error(tmp_path, example_articles) -> None:
    """`caselink ... | head` exits quietly with status 0 when the reader closes the pipe early."""
    out = tmp_path / "out"
    assert main(["resolve", str(example_articles), "--out", str(out), "--quiet"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "caselink.cli", "explain", str(out), "ex-011", "ex-013"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _out, err = proc.communicate()
    assert proc.returncode == 0
    assert b"BrokenPipeError" not in err


def test_scored_pairs_file_is_opt_in(tmp_path, example_articles, capsys) -> None:
    """Every scored pair is written only with --scored-pairs; explain and eval say which they read."""
    plain, every = tmp_path / "plain", tmp_path / "every"
    assert main(["resolve", str(example_articles), "--out", str(plain), "--quiet"]) == 0
    assert not (plain / "scored_pairs.jsonl").exists()
    assert (
        main(["resolve", str(example_articles), "--out", str(every), "--quiet", "--scored-pairs"])
        == 0
    )
    scored = _lines(every / "scored_pairs.jsonl")
    links = {(p["a"], p["b"]) for p in _lines(every / "pairs.jsonl")}
    assert links < {(p["a"], p["b"]) for p in scored}
    assert (plain / "pairs.jsonl").read_bytes() == (every / "pairs.jsonl").read_bytes()
    unlinked = next(p for p in scored if (p["a"], p["b"]) not in links)
    capsys.readouterr()
    assert main(["explain", str(every), unlinked["a"], unlinked["b"]]) == 0
    assert "were never compared" not in capsys.readouterr().out
    assert main(["explain", str(plain), unlinked["a"], unlinked["b"]]) == 0
    assert "--scored-pairs" in capsys.readouterr().out
