"""The dated snapshot of exchange rates shipped with the project (rates_snapshot.json), as units per US
dollar with their source and publication date.

Where no rate provider is reachable (the local stack, a demo), `manage.py load_rates_snapshot` loads it.
A snapshot row replaces a currency's rate only when that rate has no recorded source (the built-in seed of
catalog.currencies) or is older than the snapshot; a newer rate from the refresh job is never replaced.
Every rate keeps the date it was published, never the date it was loaded: pages show that date and the
staleness pause of mobile money (payments.fx) still sees the true age.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from .models import Currency

SNAPSHOT_FILE = Path(__file__).with_name("rates_snapshot.json")
QUANTUM = Decimal("0.00000001")


@dataclass(frozen=True)
class SnapshotRate:
    code: str
    units_per_usd: Decimal
    published_at: datetime
    source: str


def snapshot_rates(path: Path = SNAPSHOT_FILE) -> list[SnapshotRate]:
    """The file's rates turned into units per US dollar (cross rates through its quote currency)."""
    data = json.loads(path.read_text())
    published = datetime.fromisoformat(data["published"]).replace(tzinfo=UTC)
    source = f"{data['source']} ({data['url']})"
    quoted = {code: Decimal(value) for code, value in data["kes_per_unit"].items()}
    usd_in_quote = quoted["USD"]
    # X per USD = (quote per USD) / (quote per X); the quote currency itself is quote-per-USD.
    per_usd = {code: usd_in_quote / value for code, value in quoted.items()}
    per_usd["KES"] = usd_in_quote
    rates = [
        SnapshotRate(code, rate.quantize(QUANTUM), published, source) for code, rate in per_usd.items() if code != "USD"
    ]
    for code, parity in data.get("fixed_parities", {}).items():
        rate = Decimal(parity["units"]) * per_usd[parity["per"]]
        rates.append(SnapshotRate(code, rate.quantize(QUANTUM), published, f"{parity['source']}; {source}"))
    return rates


def load_snapshot(path: Path = SNAPSHOT_FILE) -> list[str]:
    """Store the snapshot's rates where they are better known than what is there; the codes changed."""
    changed = []
    with transaction.atomic():
        for rate in snapshot_rates(path):
            updated = (
                Currency.objects.filter(code=rate.code)
                .filter(Q(rate_source="") | Q(rate_updated_at__lt=rate.published_at))
                .update(units_per_usd=rate.units_per_usd, rate_updated_at=rate.published_at, rate_source=rate.source)
            )
            if updated:
                changed.append(rate.code)
    return changed
