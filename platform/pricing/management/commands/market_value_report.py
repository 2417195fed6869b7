"""Reports of market value: value the changed listings, drift, held listings, ratings by make and market."""

import random

from django.core.management.base import BaseCommand
from django.db import connection

from pricing.drift import drift
from pricing.serving import value_changed


class Command(BaseCommand):
    help = "value | drift | held [--sample 50] | ratings"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=("value", "drift", "held", "ratings"))
        parser.add_argument("--sample", type=int, default=50)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *, what, sample, seed, **_):
        if what == "value":
            total = 0
            while done := value_changed(budget_seconds=60):
                total += done
            self.stdout.write(f"valued {total} listings")
        elif what == "drift":
            for name, psi in drift().items():
                self.stdout.write(f"{name:12} PSI {psi}")
        elif what == "held":
            self._held(sample, seed)
        else:
            self._ratings()

    def _held(self, sample: int, seed: int):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT held_reason, count(*) FROM catalog_vehicle WHERE held_reason <> '' GROUP BY 1 ORDER BY 2 DESC"
            )
            for reason, count in cursor.fetchall():
                self.stdout.write(f"held {count:>7}  {reason}")
            cursor.execute(
                "SELECT v.id, v.held_reason, v.year, v.make, v.model, v.trim, v.body_type, v.mileage_km, v.price, "
                "v.currency_id, round(v.price / c.units_per_usd), v.market_value_usd, v.market_low_usd, "
                "v.market_high_usd, v.country, left(v.description, 60) FROM catalog_vehicle v "
                "JOIN catalog_currency c ON c.code = v.currency_id WHERE v.held_reason <> '' ORDER BY v.id"
            )
            rows = cursor.fetchall()
        for row in sorted(random.Random(seed).sample(rows, min(sample, len(rows)))):
            self.stdout.write(" | ".join("" if v is None else str(v) for v in row))

    def _ratings(self):
        from pricing.ratings import deal_rating

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v.make, v.country, v.price / c.units_per_usd, v.market_value_usd, v.market_low_usd, "
                "v.market_high_usd FROM catalog_vehicle v JOIN catalog_currency c ON c.code = v.currency_id "
                "WHERE v.status IN ('available', 'reserved') AND v.held_reason = ''"
            )
            counts: dict = {}
            for make, country, *money in cursor.fetchall():
                rating = deal_rating(*(None if m is None else float(m) for m in money))
                for key in ((make, country), ("*", country), ("*", "*")):
                    counts.setdefault(key, {}).setdefault(rating, 0)
                    counts[key][rating] += 1
        from pricing.ratings import RATINGS

        self.stdout.write("make | market | " + " | ".join(RATINGS))
        for (make, country), per in sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))[:40]:
            self.stdout.write(f"{make} | {country} | " + " | ".join(str(per.get(r, 0)) for r in RATINGS))
