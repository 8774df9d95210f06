"""examples/merge_feeds.ipynb runs top to bottom in a real kernel and shows what it promises."""

from __future__ import annotations

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "examples" / "merge_feeds.ipynb"


def test_notebook_is_stripped() -> None:
    """The committed notebook has no outputs or execution counts (outputs are stripped in git)."""
    nbformat = pytest.importorskip(
        "nbformat", reason="nbformat is not installed (pip install -e '.[dev]')"
    )
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_notebook_runs_top_to_bottom() -> None:
    """Executing every cell succeeds; the reject, the case table and the report appear in the outputs."""
    nbformat = pytest.importorskip(
        "nbformat", reason="nbformat is not installed (pip install -e '.[dev]')"
    )
    nbclient = pytest.importorskip(
        "nbclient", reason="nbclient is not installed (pip install -e '.[dev]')"
    )
    pytest.importorskip(
        "ipykernel", reason="ipykernel is not installed (pip install 'caselink[notebook]')"
    )
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    streams = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "9 articles, 1 rejected" in streams
    assert "published - item 4" in streams
    assert "&lt;Resolution: 9 articles in 5 cases" in html
    assert "marcus ellery" in html
    assert "report.html" in streams


def test_merge_feeds_script_writes_the_report(tmp_path, monkeypatch, capsys) -> None:
    """examples/merge_feeds.py prints the merged cases and their reasons and writes the report."""
    pytest.importorskip(
        "feedparser", reason="feedparser is not installed (pip install 'caselink[feeds]')"
    )
    import runpy

    monkeypatch.setattr("sys.argv", ["merge_feeds.py", str(tmp_path / "report.html")])
    runpy.run_path(str(ROOT / "examples" / "merge_feeds.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "9 articles from 3 feeds, 1 rejected" in printed
    assert "3 articles from 3 outlets" in printed
    assert "why: " in printed
    assert (tmp_path / "report.html").stat().st_size > 1000
