"""Related posts: idf-weighted shared features, bounded work, deterministic order."""

from __future__ import annotations

import time

from postarchive.model.related import Item, features_of, related_posts


def item(name: str, day: int, *features: str) -> Item:
    return Item(name, day * 86400.0, tuple(features))


def test_rare_shared_features_weigh_more() -> None:
    items = [
        item("a", 1, "company:ハイレゾ", "tag:AI"),
        item("b", 2, "company:ハイレゾ", "tag:AI"),  # shares the rare company
        item("c", 3, "tag:AI", "tag:投資"),  # shares only the common tag
        item("d", 4, "tag:AI", "tag:投資"),
        item("e", 5, "company:NVIDIA"),
    ]
    related = related_posts(items, 5)
    assert related["a"] == ("b", "c", "d")  # AI is on 4 of 5 posts: it still counts, but less
    assert related["c"][0] == "d"
    assert "e" not in related["a"]
    assert related["e"] == ()


def test_features_on_every_post_do_not_relate_anything() -> None:
    items = [item(f"p{i}", i, "tag:AI") for i in range(10)]
    assert all(value == () for value in related_posts(items, 5).values())


def test_ties_go_to_the_nearest_date_then_the_name() -> None:
    items = [item("x", 10, "tag:半導体")] + [
        item(n, d, "tag:半導体") for n, d in [("a", 1), ("b", 12), ("c", 9), ("d", 12)]
    ]
    items += [item(f"filler{i}", 100 + i, "tag:other") for i in range(20)]
    assert related_posts(items, 3)["x"] == ("c", "b", "d")


def test_deterministic_whatever_the_input_order() -> None:
    items = [item(f"p{i:03d}", i % 17, f"tag:t{i % 5}", f"company:c{i % 7}") for i in range(200)]
    assert related_posts(items, 5) == related_posts(list(reversed(items)), 5)


def test_common_features_only_look_at_a_window_of_posts() -> None:
    """3,000 posts all sharing one frequent tag: a post's candidates are the window nearest in date."""
    items = [item(f"p{i:04d}", i, "tag:common", f"tag:rare{i // 3}") for i in range(3000)]
    items += [item(f"q{i:04d}", i, "tag:other") for i in range(3000)]
    started = time.perf_counter()
    related = related_posts(items, 5, window=50)
    elapsed = time.perf_counter() - started
    # the two posts sharing the rare tag come first, then neighbours in date through the common tag
    assert related["p1500"][:2] == ("p1501", "p1502")
    assert all(abs(int(name[1:]) - 1500) <= 50 for name in related["p1500"])
    assert elapsed < 10


def test_features_of() -> None:
    assert features_of(["KDDI"], ["AI"]) == ("company:KDDI", "tag:AI")
