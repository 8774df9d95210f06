"""The deterministic process-pool map, and resolve's independence from the worker count."""

from __future__ import annotations

import json
import operator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caselink import Config, Resolution, read_articles, resolve
from caselink._parallel import effective_workers, iter_batches, parallel_map
from caselink.blocking import block_candidates
from caselink.compare import compare_pairs
from caselink.config import ShingleConfig
from caselink.extract import extract_fields
from caselink.models import CleanText, Profile
from caselink.normalize import clean_text, find_boilerplate
from caselink.shingle import signature

# The pool only starts from this many items on (smaller inputs run in-process).
_POOLED = 600


def _square_plus(x: int, offset: int) -> int:
    return x * x + offset


def _running_sums(batch: list[int], start: int) -> list[int]:
    total, out = start, []
    for x in batch:
        total += x
        out.append(total)
    return out


def _fail_on_seven(x: int) -> int:
    if x == 7:
        msg = "seven"
        raise ValueError(msg)
    return x


def _drop_last(batch: list[int]) -> list[int]:
    return batch[:-1]


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=50), st.integers(1, 7))
def test_sequential_map_equals_comprehension(items: list[int], batch_size: int) -> None:
    """In one process, parallel_map is the list comprehension whatever the batch size."""
    got = parallel_map(_square_plus, items, shared=(3,), batch_size=batch_size)
    assert got == [_square_plus(x, 3) for x in items]


def test_pooled_map_keeps_input_order() -> None:
    """Two workers return every result in input order, equal to the one-worker run."""
    items = list(range(_POOLED * 3, 0, -1))
    one = parallel_map(_square_plus, items, shared=(5,), workers=1, batch_size=37)
    two = parallel_map(_square_plus, items, shared=(5,), workers=2, batch_size=37)
    assert two == one == [x * x + 5 for x in items]


def test_batches_see_shared_arguments_and_keep_order() -> None:
    """iter_batches hands each worker whole batches plus the shared arguments, in order."""
    items = list(range(_POOLED * 2))
    got = list(iter_batches(_running_sums, items, shared=(1000,), workers=2, batch_size=100))
    expected: list[int] = []
    for start in range(0, len(items), 100):
        expected += _running_sums(items[start : start + 100], 1000)
    assert got == expected


def test_worker_errors_propagate() -> None:
    """An exception raised in a worker reaches the caller unchanged in type and message."""
    with pytest.raises(ValueError, match="seven"):
        parallel_map(_fail_on_seven, list(range(_POOLED * 2)), workers=2, batch_size=50)


def test_batch_function_must_return_one_result_per_item() -> None:
    """A batch function that loses items is reported instead of silently misaligning results."""
    with pytest.raises(ValueError, match="one per item"):
        list(iter_batches(_drop_last, [1, 2, 3]))


def test_bad_batch_size_is_rejected() -> None:
    """A batch size below one is an error that names the value."""
    with pytest.raises(ValueError, match="batch_size"):
        parallel_map(operator.neg, [1], batch_size=0)


def test_effective_workers_is_capped_by_cpus() -> None:
    """Asking for many workers never starts more processes than there are CPUs."""
    assert 1 <= effective_workers(10_000) <= 10_000
    assert effective_workers(1) == 1


def test_signatures_identical_across_workers() -> None:
    """MinHash signatures computed on two workers equal those computed in one process."""
    cfg = ShingleConfig()
    texts = [
        CleanText(
            f"a{i:04d}", f"officer {i} dismissed after hearing number {i % 17} in town {i % 5}"
        )
        for i in range(_POOLED * 2)
    ]
    one = parallel_map(signature, texts, shared=(cfg,), workers=1)
    two = parallel_map(signature, texts, shared=(cfg,), workers=2)
    assert one == two


def _replicated(example_articles: Path, tmp_path: Path, copies: int) -> Path:
    """The example corpus repeated under fresh ids: enough articles for the per-article stages to use the pool."""
    rows = [json.loads(line) for line in example_articles.read_text("utf-8").splitlines()]
    out = tmp_path / "articles.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for row in rows:
                handle.write(json.dumps({**row, "id": f"{row['id']}-{copy:02d}"}) + "\n")
    return out


def test_resolve_identical_with_one_and_two_workers(example_articles: Path, tmp_path: Path) -> None:
    """resolve gives identical cases, pairs and links with workers=1 and workers=2."""
    batch = read_articles(_replicated(example_articles, tmp_path, copies=14))
    assert len(batch) >= 512  # the pool starts at 512 items
    _assert_same_run(
        resolve(batch, Config(workers=1, progress=False)),
        resolve(batch, Config(workers=2, progress=False)),
    )


def _assert_same_run(one: Resolution, two: Resolution) -> None:
    assert one.cases == two.cases
    assert one.pairs == two.pairs
    assert one.links == two.links
    assert one.fields == two.fields
    assert list(one.articles) == list(two.articles)


def test_texts_kept_on_disk_resolve_like_texts_in_memory(
    example_articles: Path, tmp_path: Path
) -> None:
    """Articles read lazily (workers read the texts from the file) give the same run as eager ones."""
    path = _replicated(example_articles, tmp_path, copies=14)
    eager = read_articles(path)
    lazy = read_articles(path, lazy=True)
    assert list(lazy.articles) == list(eager.articles)
    _assert_same_run(
        resolve(eager, Config(workers=1, progress=False)),
        resolve(lazy, Config(workers=2, progress=False)),
    )


def test_compare_pairs_batches_equal_one_call(example_articles: Path) -> None:
    """Comparing candidate pairs in batches on two workers equals one call over all of them."""
    articles = list(read_articles(example_articles))
    boilerplate = find_boilerplate(articles)
    table = {
        a.id: Profile(
            a.id, a.published, a.source, extract_fields(a), signature(clean_text(a, boilerplate))
        )
        for a in articles
    }
    candidates = block_candidates(list(table.values()))
    whole = compare_pairs(candidates, table)
    assert len(whole) > 3  # several batches
    batched = list(iter_batches(compare_pairs, candidates, shared=(table, None), batch_size=3))
    assert batched == whole
