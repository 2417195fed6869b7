"""The facet cache on its own: hits within the time, one leader per key, followers share its answer,
a failed leader hands the work back, and the cache stays bounded."""

from __future__ import annotations

import threading
import time

from search.facet_cache import FacetCache, facets_key


def test_the_key_is_the_request_whatever_the_order_of_its_fields():
    assert facets_key("a", {"size": 0, "aggs": {"x": 1}}) == facets_key("a", {"aggs": {"x": 1}, "size": 0})
    assert facets_key("a", {"size": 0}) != facets_key("b", {"size": 0})
    assert facets_key("a", {"size": 0}) != facets_key("a", {"size": 1})


def test_an_answer_is_shared_for_its_seconds_then_asked_again():
    cache = FacetCache()
    response, slot, leading = cache.claim("k")
    assert response is None and leading
    cache.fill("k", slot, {"n": 1}, seconds=0.2)
    assert cache.claim("k")[0] == {"n": 1}
    time.sleep(0.25)
    response, slot, leading = cache.claim("k")
    assert response is None and leading


def test_callers_arriving_while_the_leader_asks_wait_for_its_answer():
    cache = FacetCache()
    _, slot, leading = cache.claim("k")
    assert leading
    got = []

    def follower():
        response, follow, leads = cache.claim("k")
        assert response is None and not leads
        got.append(follow.wait())

    threads = [threading.Thread(target=follower) for _ in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    cache.fill("k", slot, {"n": 2}, seconds=5)
    for thread in threads:
        thread.join(2)
    assert got == [{"n": 2}] * 5
    assert (cache.misses, cache.shared) == (1, 5)


def test_a_failed_leader_leaves_its_followers_to_ask_for_themselves():
    cache = FacetCache()
    _, slot, _ = cache.claim("k")
    _, follow, leads = cache.claim("k")
    assert not leads
    cache.fill("k", slot, None, seconds=5)
    assert follow.wait() is None
    assert cache.claim("k")[2], "the next caller leads again"


def test_the_cache_is_bounded():
    cache = FacetCache(max_entries=3)
    for n in range(10):
        _, slot, _ = cache.claim(str(n))
        cache.fill(str(n), slot, {"n": n}, seconds=5)
    assert [cache.claim(str(n))[0] for n in (7, 8, 9)] == [{"n": 7}, {"n": 8}, {"n": 9}]
    assert cache.claim("0")[0] is None
