"""The README's library quickstart runs as written and prints what it claims."""

from __future__ import annotations

import contextlib
import io
import os
import re

from .conftest import ROOT


def test_readme_quickstart_runs(tmp_path) -> None:
    """The first python block of the README runs from the repository root and explains a link."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    code = code.replace('resolution.write("out")', f"resolution.write({str(tmp_path / 'out')!r})")
    printed = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    output = printed.getvalue()
    assert "same case: ex-011 ~ ex-013" in output
    assert (tmp_path / "out" / "cases.jsonl").is_file()
