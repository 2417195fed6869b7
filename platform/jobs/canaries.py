"""Canary runs: a task that records in Redis that it started and finished, for health checks, fault
tests (kill a worker mid-run, then count) and benchmarks (time from send to finish)."""

from __future__ import annotations

import time

from reliability.errors import TransientError

from .redis_client import get_redis

TTL_SECONDS = 3600


def key(token: str, what: str) -> str:
    return f"jobs:canary:{token}:{what}"


def run(token: str, *, sleep_seconds: float, fail_times: int, task_id: str | None) -> dict:
    client = get_redis()
    tries = client.incr(key(token, "tries"))
    client.expire(key(token, "tries"), TTL_SECONDS)
    client.rpush(key(token, "started"), task_id or "")
    client.expire(key(token, "started"), TTL_SECONDS)
    if tries <= fail_times:
        raise TransientError(f"canary {token}: planned failure {tries} of {fail_times}")
    if sleep_seconds:
        time.sleep(sleep_seconds)
    finished_at = time.time()
    client.rpush(key(token, "finished"), f"{task_id}|{finished_at}")
    client.expire(key(token, "finished"), TTL_SECONDS)
    return {"token": token, "tries": tries, "finished_at": finished_at}


def counts(token: str) -> dict[str, int]:
    client = get_redis()
    return {
        "tries": int(client.get(key(token, "tries")) or 0),
        "started": client.llen(key(token, "started")),
        "finished": client.llen(key(token, "finished")),
    }


def finished(token: str) -> list[tuple[str, float]]:
    rows = get_redis().lrange(key(token, "finished"), 0, -1)
    return [(r.decode().split("|")[0], float(r.decode().split("|")[1])) for r in rows]
