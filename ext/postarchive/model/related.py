"""Related posts: shared companies and tags, weighted by rarity (idf), without quadratic work.

Each post is a set of features (``company:KDDI``, ``tag:半導体``). An inverted index maps a feature
to the posts that have it, sorted by date. A post's candidates come only from its features' posting
lists; a feature carried by more than ``window`` posts (``AI`` on every post) contributes only the
``window`` posts nearest in date, so per-post work is bounded by ``features × window`` whatever the
size of the archive. Scores are sums of ``log(N / df)``; ties go to the nearer date, then the docname.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_WINDOW = 100


@dataclass(frozen=True)
class Item:
    docname: str
    timestamp: float  # sort key for "nearest in date"
    features: tuple[str, ...]


def related_posts(items: Sequence[Item], count: int, window: int = DEFAULT_WINDOW) -> dict[str, tuple[str, ...]]:
    """``docname → up to count related docnames``, best first, deterministic."""
    total = len(items)
    postings: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for feature in set(item.features):
            postings[feature].append(item)
    order = {item.docname: (item.timestamp, item.docname) for item in items}
    for members in postings.values():
        members.sort(key=lambda it: order[it.docname])
    keys = {feature: [order[it.docname] for it in members] for feature, members in postings.items()}
    idf = {feature: math.log(total / len(members)) for feature, members in postings.items()}
    result: dict[str, tuple[str, ...]] = {}
    for item in items:
        scores: dict[str, float] = defaultdict(float)
        for feature in set(item.features):
            weight = idf[feature]
            if weight <= 0:
                continue
            members = postings[feature]
            if len(members) > window:
                position = bisect_left(keys[feature], order[item.docname])
                low = max(0, min(position - window // 2, len(members) - window))
                members = members[low : low + window]
            for other in members:
                if other.docname != item.docname:
                    scores[other.docname] += weight
        pool = list(scores.items())
        if len(pool) > count > 0:  # sort fully only the candidates that can make the top ``count``
            threshold = sorted(scores.values(), reverse=True)[count - 1] - 1e-9
            pool = [pair for pair in pool if pair[1] >= threshold]
        best = sorted(
            pool,
            key=lambda pair: (-round(pair[1], 9), abs(order[pair[0]][0] - item.timestamp), pair[0]),
        )
        result[item.docname] = tuple(docname for docname, _ in best[:count])
    return result


def features_of(companies: Sequence[str], tags: Sequence[str]) -> tuple[str, ...]:
    return tuple([f"company:{name}" for name in companies] + [f"tag:{name}" for name in tags])
