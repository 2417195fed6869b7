"""The reliability kit: the few mechanisms every background path shares, kept in one place.

The lowest layer: it imports nothing of ours, so indexers, jobs, payments, notifications, the local
stack's scripts, the tests and the benchmarks can all use it.

- `errors`: the one transient-error type (and its permanent counterpart), and which library errors
  count as transient.
- `backoff`: exponential backoff with jitter.
- `connections`: the Redis client factory.
- `kicks`: tasks queued after a commit that the broker cannot fail (`send_after_commit`, naming the
  sweep that catches up), and "kick once": at most one wake-up queued per burst of work.
- `polling`: wait until a condition holds.
- `pages`: walk rows in keyset pages.
"""
