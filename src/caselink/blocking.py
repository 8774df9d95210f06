"""Candidate generation: MinHash LSH for shared text, field keys for shared facts.

Same-case articles rarely share text, so LSH (which finds copies and syndication) is joined by field
keys: the same named officer or person, the same reference number, the same agency within a
publication-date window. Every key's block is capped: a block larger than ``max_block_size`` pairs each article only
with its nearest neighbours by publication date, so no block grows quadratically.

The LSH band layout ``(b, r)`` is the one datasketch's ``MinHashLSH`` chooses for the threshold and
``num_perm``; bands are hashed with a fixed function, so the candidate set does not depend on input
order or process.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from datasketch import MinHashLSH

from caselink._types import ArticleId, PairKey
from caselink.config import BlockingConfig
from caselink.models import CandidatePair, Profile, pair_key

__all__ = ["block_candidates", "blocking_stats", "field_keys", "lsh_params"]

logger = logging.getLogger(__name__)


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return the ``(bands, rows)`` layout datasketch's MinHashLSH picks for a threshold.

    Examples:
        >>> lsh_params(0.5, 128)
        (25, 5)
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def _lsh_pairs(profiles: Sequence[Profile], config: BlockingConfig) -> set[PairKey]:
    indexed = [p for p in profiles if p.signature.num_shingles > 0]
    if not indexed:
        return set()
    num_perm = len(indexed[0].signature.hashvalues) // 4
    bands, rows = lsh_params(config.lsh_threshold, num_perm)
    matrix = np.stack([np.frombuffer(p.signature.hashvalues, dtype="<u4") for p in indexed])
    ids = [p.article_id for p in indexed]
    pairs: set[PairKey] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        block = np.ascontiguousarray(matrix[:, band * rows : (band + 1) * rows])
        for row, key in enumerate(block):
            buckets[key.tobytes()].append(row)
        for members in buckets.values():
            for i, x in enumerate(members):
                for y in members[i + 1 :]:
                    pairs.add(pair_key(ids[x], ids[y]))
    positions = {aid: i for i, aid in enumerate(ids)}
    return {
        (a, b)
        for a, b in pairs
        if np.count_nonzero(matrix[positions[a]] == matrix[positions[b]]) / num_perm
        >= config.verify_threshold
    }


def field_keys(profile: Profile, config: BlockingConfig) -> list[str]:
    """Return the blocking keys of one article (rule name, a colon, the value).

    Examples:
        >>> from caselink.models import ArticleFields, Mention, Signature
        >>> f = ArticleFields("a", references=[Mention("2017/097039", "2017/097039", 0, 11)])
        >>> field_keys(Profile("a", None, None, f, Signature("a", b"", 0)), BlockingConfig())
        ['reference:2017/097039']
    """
    fields = profile.fields
    keys = [f"reference:{norm}" for norm in fields.norms("references")]
    names = (*fields.norms("officers"), *fields.norms("people"))
    keys += [f"name:{norm}" for norm in dict.fromkeys(names) if " " in norm]
    if profile.published is not None:
        window = config.date_window_days or 1
        bucket = profile.published.toordinal() // window
        for norm in fields.norms("agencies"):
            # Two overlapping windows, so articles just across a window edge still meet.
            shifted = (profile.published.toordinal() + window // 2) // window
            keys += [f"agency:{norm}:{bucket}", f"agency:{norm}:{shifted}h"]
    return keys


def _capped_pairs(members: list[Profile], config: BlockingConfig) -> Iterable[PairKey]:
    if len(members) <= config.max_block_size:
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                yield pair_key(x.article_id, y.article_id)
        return
    ordered = sorted(members, key=lambda p: (p.published or dt.date.min, p.article_id))
    for i, x in enumerate(ordered):
        for y in ordered[i + 1 : i + 1 + config.neighbours_in_large_blocks]:
            yield pair_key(x.article_id, y.article_id)


def block_candidates(
    profiles: Sequence[Profile], config: BlockingConfig | None = None
) -> list[CandidatePair]:
    """Return every candidate pair, each with the rules that proposed it, sorted by key.

    Examples:
        >>> block_candidates([])
        []
    """
    cfg = config or BlockingConfig()
    rules: dict[PairKey, set[str]] = defaultdict(set)
    for key in _lsh_pairs(profiles, cfg):
        rules[key].add("lsh")
    blocks: dict[str, list[Profile]] = defaultdict(list)
    for profile in profiles:
        for block_key in dict.fromkeys(field_keys(profile, cfg)):
            blocks[block_key].append(profile)
    for block_key, members in blocks.items():
        rule = block_key.split(":", 1)[0]
        for pair in _capped_pairs(members, cfg):
            if pair[0] != pair[1]:
                rules[pair].add(rule)
    return [CandidatePair(a, b, tuple(r)) for (a, b), r in sorted(rules.items())]


def blocking_stats(
    pairs: Sequence[CandidatePair], n_articles: int, gold: Mapping[ArticleId, str] | None = None
) -> dict[str, object]:
    """Summarise candidate generation: pairs per rule, overlaps, reduction ratio and pair completeness.

    Args:
        pairs: the candidates.
        n_articles: how many articles were blocked.
        gold: optional gold labels (article id -> incident); adds pair completeness.
    """
    per_rule = Counter(rule for p in pairs for rule in p.rules)
    overlaps = Counter("+".join(p.rules) for p in pairs if len(p.rules) > 1)
    total = n_articles * (n_articles - 1) // 2
    stats: dict[str, object] = {
        "articles": n_articles,
        "candidate_pairs": len(pairs),
        "pairs_per_article": len(pairs) / n_articles if n_articles else 0.0,
        "pairs_per_rule": dict(sorted(per_rule.items())),
        "rule_overlaps": dict(sorted(overlaps.items())),
        "reduction_ratio": 1.0 - len(pairs) / total if total else 1.0,
    }
    if gold is not None:
        members: dict[str, list[ArticleId]] = defaultdict(list)
        for aid, label in gold.items():
            members[label].append(aid)
        true_pairs = {
            pair_key(x, y)
            for ids in members.values()
            for i, x in enumerate(ids)
            for y in ids[i + 1 :]
        }
        found = sum(1 for p in pairs if p.key in true_pairs)
        stats["gold_pairs"] = len(true_pairs)
        stats["pair_completeness"] = found / len(true_pairs) if true_pairs else 1.0
    return stats
