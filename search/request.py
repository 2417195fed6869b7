"""What a caller asks of the vehicle index, already validated: plain, immutable values.

The API's serializers produce these; the builders in search/ turn them into engine queries.
Prices here are always in US dollars (the index's `price_usd`); conversion happens at the edge.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Range:
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class GeoCircle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class VehicleQuery:
    text: str = ""
    # Facet name (see search.facets.TERM_FACETS) -> selected values; several values mean "any of".
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Facet name ("price", "year", "mileage") -> bounds, inclusive.
    ranges: Mapping[str, Range] = field(default_factory=dict)
    near: GeoCircle | None = None
    # The text only ranks, it need not match: set when query understanding already turned the
    # words that select cars (make, model, ...) into filters and the rest is "low mileage" and such.
    text_ranks_only: bool = False
    # The destination port (UN/LOCODE) per-port ranges and sorts read (`delivered_usd.KEMBA`); "" none.
    port: str = ""

    def fingerprint(self, *extra: object) -> str:
        """A short stable hash of the query (and e.g. its sort), so a cursor only fits the query it came from."""
        payload = json.dumps(
            {
                "q": self.text,
                "t": {k: sorted(v) for k, v in self.terms.items()},
                "r": {k: asdict(v) for k, v in self.ranges.items()},
                "n": asdict(self.near) if self.near else None,
                "p": self.port,
                "x": [str(e) for e in extra],
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        """Plain JSON values (kept with a saved search); `from_dict` gives the same query back."""
        return {
            "text": self.text,
            "terms": {name: list(values) for name, values in self.terms.items()},
            "ranges": {name: asdict(bounds) for name, bounds in self.ranges.items()},
            "near": asdict(self.near) if self.near else None,
            "text_ranks_only": self.text_ranks_only,
            "port": self.port,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> VehicleQuery:
        return cls(
            text=data.get("text", ""),
            terms={name: tuple(values) for name, values in data.get("terms", {}).items()},
            ranges={name: Range(**bounds) for name, bounds in data.get("ranges", {}).items()},
            near=GeoCircle(**data["near"]) if data.get("near") else None,
            text_ranks_only=data.get("text_ranks_only", False),
            port=data.get("port", ""),
        )


@dataclass(frozen=True)
class Scope:
    """Which part of the index a caller may see: public buyers, or one dealer's own inventory."""

    statuses: tuple[str, ...]
    dealer_id: int | None = None


@dataclass(frozen=True)
class Page:
    size: int = 20
    number: int = 1
    # Sort values of the last hit of the previous page (deep pagination); excludes `number`.
    search_after: tuple | None = None

    @property
    def offset(self) -> int:
        return 0 if self.search_after is not None else (self.number - 1) * self.size
