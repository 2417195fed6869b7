"""The local stack: real Postgres, Redis, OpenSearch, Celery and web processes on loopback.

Used by `bin/setup` and `bin/stop` (through `python -m localstack.stack`) and by the test fixtures, so
that both start services the same way. Each service is started by this package, tracked by a pid file
under var/run/, and stopped by that pid only.
"""
