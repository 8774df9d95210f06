"""Progress bars: off by default when stderr is not a terminal, on when it is, off with --quiet.

The choice (``Config.progress=None`` means "on only when stderr is a terminal") keeps CI logs, pipes
and redirected runs clean while an interactive user sees bars with an ETA.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

import caselink
from caselink._progress import progress_enabled
from caselink.cli import main

from .conftest import ROOT


class _Terminal(io.StringIO):
    """A captured stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("setting", "tty", "expected"),
    [(None, False, False), (None, True, True), (True, False, True), (False, True, False)],
    ids=["auto-pipe", "auto-tty", "forced-on", "forced-off"],
)
def test_progress_setting(monkeypatch, setting, tty, expected) -> None:
    """None follows stderr's isatty(); True and False override it."""
    stream = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    assert progress_enabled(setting) is expected


def test_no_bars_when_not_interactive(monkeypatch, example_articles) -> None:
    """A default run with stderr not a terminal writes nothing to stderr."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    caselink.resolve(caselink.read_articles(example_articles))
    assert stream.getvalue() == ""


def test_bars_for_each_long_stage_when_interactive(monkeypatch, example_articles) -> None:
    """With a terminal on stderr, the per-article and per-pair loops each show a bar."""
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    caselink.resolve(caselink.read_articles(example_articles))
    shown = stream.getvalue()
    for stage in ("normalize", "extract", "terms", "blocking", "score", "cluster", "canonical"):
        assert f"{stage}:" in shown


@pytest.mark.parametrize(
    ("quiet", "bars"), [(True, False), (False, True)], ids=["quiet", "default"]
)
def test_cli_quiet_switches_bars_off(monkeypatch, tmp_path, example_articles, quiet, bars) -> None:
    """`caselink resolve --quiet` shows no bars even on a terminal; without it a terminal shows them."""
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    argv = ["resolve", str(example_articles), "--out", str(tmp_path / "out")]
    assert main([*argv, "--quiet"] if quiet else argv) == 0
    assert ("extract:" in stream.getvalue()) is bars


def _run(code: str, *, terminal: bool) -> str:
    """Run ``code`` in a fresh interpreter with stderr on a real pseudo-terminal or a pipe."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if not terminal:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stderr
    main_fd, child_fd = pty.openpty()
    # A fresh pseudo-terminal is 0 columns wide, and tqdm draws nothing in 0 columns: size it like a terminal.
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=child_fd
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # EIO once the child has exited and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_real_terminal_shows_bars_and_pipe_does_not() -> None:
    """In a separate process, a real pseudo-terminal gets bars with a rate/ETA; a pipe gets none."""
    articles = [
        {"id": str(i), "text": f"PC Andrew Turner of Kent Police, report {i}."} for i in range(5)
    ]
    code = f"import caselink; caselink.resolve({articles!r})"
    shown = _run(code, terminal=True)
    assert "extract:" in shown
    assert re.search(r"\d+it/s|s/it", shown)
    assert "extract:" not in _run(code, terminal=False)
