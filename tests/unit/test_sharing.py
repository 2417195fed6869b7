"""Shared answers on their own: hits within the time, one leader per key, followers share its answer,
a failed leader hands the work back, and the table stays bounded."""

from __future__ import annotations

import threading
import time

from search.sharing import SharedAnswers, searches_key
from tests.support.round_trips import round_trips, since


def test_the_key_is_the_round_trip_whatever_the_order_of_the_fields():
    assert searches_key([("a", {"size": 0, "aggs": {"x": 1}})]) == searches_key([("a", {"aggs": {"x": 1}, "size": 0})])
    assert searches_key([("a", {"size": 0})]) != searches_key([("b", {"size": 0})])
    assert searches_key([("a", {"size": 0})]) != searches_key([("a", {"size": 1})])
    assert searches_key([("a", {}), ("a", {"size": 1})]) != searches_key([("a", {"size": 1}), ("a", {})])


def test_an_answer_is_shared_for_its_seconds_then_asked_again():
    answers = SharedAnswers()
    answer, slot, leading = answers.claim("k")
    assert answer is None and leading
    answers.fill("k", slot, {"n": 1}, seconds=0.2)
    assert answers.claim("k")[0] == {"n": 1}
    time.sleep(0.25)
    answer, slot, leading = answers.claim("k")
    assert answer is None and leading


def test_callers_arriving_while_the_leader_asks_wait_for_its_answer():
    before = round_trips()
    answers = SharedAnswers()
    _, slot, leading = answers.claim("k")
    assert leading
    got = []

    def follower():
        answer, follow, leads = answers.claim("k")
        assert answer is None and not leads
        got.append(follow.wait())

    threads = [threading.Thread(target=follower) for _ in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    answers.fill("k", slot, {"n": 2}, seconds=5)
    for thread in threads:
        thread.join(2)
    assert got == [{"n": 2}] * 5
    counted = since(before)
    assert (counted["miss"], counted["shared"]) == (1, 5)


def test_a_failed_leader_leaves_its_followers_to_ask_for_themselves():
    answers = SharedAnswers()
    _, slot, _ = answers.claim("k")
    _, follow, leads = answers.claim("k")
    assert not leads
    answers.fill("k", slot, None, seconds=5)
    assert follow.wait() is None
    assert answers.claim("k")[2], "the next caller leads again"


def test_the_table_is_bounded():
    answers = SharedAnswers(max_entries=3)
    for n in range(10):
        _, slot, _ = answers.claim(str(n))
        answers.fill(str(n), slot, {"n": n}, seconds=5)
    assert [answers.claim(str(n))[0] for n in (7, 8, 9)] == [{"n": 7}, {"n": 8}, {"n": 9}]
    assert answers.claim("0")[0] is None
