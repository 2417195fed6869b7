"""Every sweep named as catching up a send that never reached the broker is on the beat schedule."""

from __future__ import annotations

import pytest
from django.conf import settings

from media import task_names as media_tasks
from notifications import task_names as notification_tasks
from payments.later import PROCESS_PENDING

SWEEPS = [
    media_tasks.SWEEP_PENDING,
    PROCESS_PENDING,
    notification_tasks.SWEEP_QUEUED_MESSAGES,
    notification_tasks.RESYNC_SAVED_SEARCHES,
    notification_tasks.DELIVER_DUE,
]


@pytest.mark.parametrize("sweep", SWEEPS)
def test_the_sweep_runs_on_a_schedule(sweep):
    assert sweep in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
