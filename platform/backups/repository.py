"""The backup repository the settings name (BACKUP_DIR, BACKUP_STANZA), or None when it is not set up."""

from __future__ import annotations

from django.conf import settings

from localstack.pgbackrest import BackupRepo


def configured_repo() -> BackupRepo | None:
    repo = BackupRepo(settings.BACKUP_DIR, settings.BACKUP_STANZA)
    return repo if repo.config_file.exists() else None
