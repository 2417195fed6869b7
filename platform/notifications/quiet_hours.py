"""Quiet hours in the user's own time zone. Pure functions of a time, a zone and a window."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:  # e.g. 13:00–15:00
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 21:00–07:00


def _local_end(day: date, end: time, tz: ZoneInfo) -> datetime:
    # A wall-clock time a DST jump skipped resolves forwards (fold=0), never to an earlier instant.
    return datetime.combine(day, end, tzinfo=tz)


def next_allowed(when: datetime, *, tz: ZoneInfo, start: time, end: time, enabled: bool = True) -> datetime:
    """`when` itself if it is outside the quiet hours, else the end of the quiet hours (UTC)."""
    if not enabled:
        return when
    local = when.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return when
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)  # quiet since this evening: ends tomorrow morning
    return _local_end(day, end, tz).astimezone(UTC)
