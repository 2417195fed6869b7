"""Placeholder replaced below."""


def sync_status():
    return {"healthy": True}
