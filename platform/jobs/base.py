"""ReliableTask: the base every background task of the platform uses.

- Acknowledged after it ran and re-queued if its worker dies (acks_late, reject_on_worker_lost), so a
  task must be idempotent: "asserting the world is the task's job".
- Retries only errors worth retrying (a dropped connection, a timeout, a provider's 5xx or 429), with
  exponential backoff and jitter, up to `max_retries`.
- After its last try, or at once for an error that no retry can fix, it lands in the DeadLetter table,
  where staff list it and replay it (admin action or `manage.py dead_letters`).

Use it with `@reliable_task(...)` (a `shared_task` with this base), or `base=ReliableTask`.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings

from reliability.backoff import backoff_seconds
from reliability.errors import TRANSIENT_ERRORS

log = logging.getLogger(__name__)


class ReliableTask(Task):
    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    # Errors retried with backoff; anything else goes straight to the dead letters.
    retry_for: tuple[type[BaseException], ...] = TRANSIENT_ERRORS
    # None: the JOBS_* settings decide (tests shorten them).
    max_retries: int | None = None
    backoff_base: float | None = None
    backoff_max: float | None = None

    def _max_retries(self) -> int:
        return settings.JOBS_MAX_RETRIES if self.max_retries is None else self.max_retries

    def retry_countdown(self, retries: int, exc: BaseException | None = None) -> float:
        base = settings.JOBS_RETRY_BACKOFF_SECONDS if self.backoff_base is None else self.backoff_base
        maximum = settings.JOBS_RETRY_BACKOFF_MAX_SECONDS if self.backoff_max is None else self.backoff_max
        countdown = backoff_seconds(retries, base=base, maximum=maximum)
        retry_after = getattr(exc, "retry_after", None)
        return max(countdown, retry_after) if retry_after else countdown

    def __call__(self, *args, **kwargs):
        if self.request.called_directly:
            return super().__call__(*args, **kwargs)
        # In a worker the tracer has pushed the real request (id, retries, delivery info) already.
        try:
            return self.run(*args, **kwargs)
        except Retry:
            raise
        except SoftTimeLimitExceeded:
            raise
        except self.retry_for as exc:
            if self.request.is_eager:
                raise
            if self.request.retries >= self._max_retries():
                raise  # the last try: on_failure dead-letters it
            countdown = self.retry_countdown(self.request.retries, exc)
            log.warning(
                "%s[%s] failed (%s: %s); try %d of %d in %.1fs",
                self.name,
                self.request.id,
                type(exc).__name__,
                exc,
                self.request.retries + 2,
                self._max_retries() + 1,
                countdown,
            )
            raise self.retry(exc=exc, countdown=countdown, max_retries=self._max_retries()) from exc

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .deadletters import record_dead_letter

        try:
            record_dead_letter(
                task=self, task_id=task_id, args=args, kwargs=kwargs, exc=exc, traceback=str(einfo) if einfo else ""
            )
        except Exception:  # the database itself may be what failed; the log keeps the evidence
            log.exception("could not dead-letter %s[%s]: args=%r kwargs=%r", self.name, task_id, args, kwargs)
        super().on_failure(exc, task_id, args, kwargs, einfo)


def reliable_task(*args, previous_names: tuple[str, ...] = (), **options):
    """`@reliable_task(name=..., queue=...)`: a shared task on the ReliableTask base.

    `previous_names`: names the task was registered under before a move. Each stays registered (the
    same function, the same options), so a message queued, scheduled or dead-lettered under an old
    name still runs; only the current name is sent from now on."""
    options.setdefault("base", ReliableTask)
    if not previous_names:
        return shared_task(*args, **options)

    def register(fun):
        for name in previous_names:
            shared_task(fun, **{**options, "name": name})
        return shared_task(fun, **options)

    return register
