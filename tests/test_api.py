"""The public API: a sorted __all__ of names that exist."""

from __future__ import annotations

import caselink


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted, each name resolves, and every public attribute is listed."""
    assert caselink.__all__ == sorted(caselink.__all__)
    for name in caselink.__all__:
        assert hasattr(caselink, name)
    public = {
        n
        for n in vars(caselink)
        if not n.startswith("_")
        and n != "annotations"
        and not isinstance(getattr(caselink, n), type(caselink))
    }
    assert public == set(caselink.__all__) - {"__version__"}
