"""Turning claimed changes into versioned `_bulk` operations, and reading the engine's answer per item.

Every operation carries an external version, so the engine itself refuses anything older than what
it holds: a replayed, duplicated or out-of-order change can never overwrite a newer document.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from elasticsearch import Elasticsearch

from es_mappings.vehicles import vehicle_to_document


class Outcome(enum.Enum):
    APPLIED = "applied"  # the engine holds this version, or a newer one
    FAILED = "failed"  # worth another try later
    INDEX_MISSING = "index_missing"  # the alias is gone: the index must be rebuilt


@dataclass(frozen=True)
class VehicleOp:
    object_id: int
    version: int
    document: dict[str, Any] | None  # None means delete

    @property
    def is_delete(self) -> bool:
        return self.document is None


def is_listable(row: Mapping[str, Any]) -> bool:
    """Buyers can find it: a searchable status, and not held back as implausible (pricing.ratings)."""
    return row["status"] in settings.SEARCHABLE_STATUSES and not row["held_reason"]


def plan_ops(change_versions: Mapping[int, int], rows: Mapping[int, Mapping[str, Any]]) -> list[VehicleOp]:
    """One operation per vehicle: index the current row, or delete the document.

    The row read now is the truth: whatever the changes said, a listable row is indexed at its own
    version, and a missing or unlisted one is deleted. A gone row is deleted at the highest version
    its changes carry (a delete's version was drawn after the row's last one).
    """
    ops = []
    for object_id, change_version in change_versions.items():
        row = rows.get(object_id)
        if row is None:
            ops.append(VehicleOp(object_id, change_version, None))
        elif is_listable(row):
            ops.append(VehicleOp(object_id, row["search_version"], vehicle_to_document(row)))
        else:
            ops.append(VehicleOp(object_id, row["search_version"], None))
    return ops


def bulk_operations(ops: Iterable[VehicleOp], index: str, *, require_alias: bool) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    for op in ops:
        meta = {"_index": index, "_id": str(op.object_id), "version": op.version, "version_type": "external"}
        if require_alias:
            # Never let a write auto-create a concrete index under the alias's name.
            meta["require_alias"] = True
        if op.is_delete:
            body.append({"delete": meta})
        else:
            body.append({"index": meta})
            body.append(op.document)
    return body


def item_outcome(item: Mapping[str, Any]) -> tuple[Outcome, str]:
    ((action, result),) = item.items()
    status = result.get("status", 500)
    error = result.get("error") or {}
    if 200 <= status < 300:
        return Outcome.APPLIED, ""
    if status == 409 and error.get("type") == "version_conflict_engine_exception":
        return Outcome.APPLIED, ""  # the engine already holds this version or a newer one
    if action == "delete" and status == 404 and not error:
        return Outcome.APPLIED, ""  # nothing to delete; the tombstone still records the version
    if error.get("type") == "index_not_found_exception":
        return Outcome.INDEX_MISSING, error.get("reason", "index not found")
    return Outcome.FAILED, f"{status} {error.get('type', '')}: {error.get('reason', '')}"[:2000]


def send(es: Elasticsearch, ops: list[VehicleOp], index: str, *, require_alias: bool) -> dict[int, tuple[Outcome, str]]:
    """One `_bulk` request; the outcome per vehicle id. Transport errors propagate to the caller."""
    if not ops:
        return {}
    response = es.bulk(operations=bulk_operations(ops, index, require_alias=require_alias), refresh=False)
    return {op.object_id: item_outcome(item) for op, item in zip(ops, response["items"])}
