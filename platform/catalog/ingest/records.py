"""What a source reader turns one raw row into: a listing and its seller, or a reason to reject it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class Reject(Exception):
    """A row that cannot become a listing. `reason` is a short code counted in the import report;
    `faults` holds every (reason, detail) found in the row, this one first."""

    def __init__(self, reason: str, detail: str = "", *, more: tuple[tuple[str, str], ...] = ()):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.faults = ((reason, detail), *more)

    @classmethod
    def all_of(cls, faults: list[tuple[str, str]]) -> Reject:
        (reason, detail), *more = faults
        return cls(reason, detail, more=tuple(more))


@dataclass(frozen=True)
class DealerRecord:
    source_key: str
    name: str
    country: str
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    rating: Decimal | None = None


@dataclass
class Listing:
    source_key: str
    dealer: DealerRecord
    make: str
    model: str
    year: int
    price: Decimal
    currency: str
    trim: str = ""
    vin: str | None = None
    mileage_km: int | None = None
    condition: str = "used"
    body_type: str = ""
    fuel: str = ""
    transmission: str = ""
    drivetrain: str = ""
    engine: str = ""
    exterior_color: str = ""
    interior_color: str = ""
    features: list[str] = field(default_factory=list)
    description: str = ""
    # The dealer-set fields (search.fields.SPEC_FIELDS) by name: a code, or "" for not known. A name
    # left out was not given: normalise.finish may derive it (steering from the source market).
    specs: dict[str, str] = field(default_factory=dict)
    # When the source says the listing went up; None means "when we first saw it" (set on insert).
    listed_at: datetime | None = None
    # Repairs made on the way in (a VIN dropped, a mileage ignored): reported, not fatal.
    notes: list[tuple[str, str]] = field(default_factory=list)

    def note(self, code: str, detail: str = "") -> None:
        self.notes.append((code, detail))
