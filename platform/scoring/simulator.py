"""A seeded simulator of buyers, their views, leads and outcomes. SYNTHETIC DATA, for development only.

The platform has no real outcomes yet, so this writes a plausible history into the ordinary tables
(dealers, vehicles, users and buyers, vehicle views, saved searches, price watches, leads, deals,
and the inquiry thread each lead starts with: the buyer's question and the dealer's answer, if any).
Its hidden process is kept here and nowhere else: each buyer has an intent, each dealer a quality,
each broker a skill, each vehicle a price gap to its market, each month a season. The conversion
of a lead depends on those. The model never sees them: it sees only what they cause that the
platform records (views and their dwell time, saved searches, price watches, asking prices, past
deals, how long the dealer took to answer earlier questions), through the same feature queries that
run on real data.

How dealers answer (an assumption of this simulator, not a measurement): each lead opens a thread;
its dealer answers after a delay drawn from a log-normal around 6 hours, shorter for better dealers
(their hidden quality), or never (more often for worse dealers). A slow or missing answer lowers that
lead's own chance to convert. The model never sees the lead's own answer (it comes after the lead);
it sees the dealer's earlier answers, which carry the dealer's habit.

Every row it writes is recognisable (usernames and dealer keys start with "sim-"), so `--reset`
removes a previous run before writing a new one.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from buyers.models import Buyer
from catalog.models import Currency, Dealer, Vehicle

PREFIX = "sim-"
DAYS = 540
# (make, model, body, price in USD of a 3-year-old car)
MODELS = [
    ("Toyota", "Corolla", "sedan", 14000),
    ("Toyota", "Hilux", "pickup", 26000),
    ("Toyota", "Land Cruiser", "suv", 52000),
    ("Toyota", "RAV4", "suv", 24000),
    ("Nissan", "X-Trail", "suv", 19000),
    ("Nissan", "Note", "hatchback", 8000),
    ("Honda", "Fit", "hatchback", 8500),
    ("Honda", "CR-V", "suv", 21000),
    ("Mazda", "Demio", "hatchback", 7500),
    ("Mazda", "CX-5", "suv", 20000),
    ("Subaru", "Forester", "suv", 18000),
    ("Mercedes-Benz", "C-Class", "sedan", 30000),
    ("BMW", "X5", "suv", 45000),
    ("Volkswagen", "Golf", "hatchback", 15000),
    ("Mitsubishi", "Pajero", "suv", 22000),
    ("Isuzu", "D-Max", "pickup", 23000),
]
RATES = {"USD": "1", "EUR": "0.92", "GBP": "0.79", "KES": "129.5", "NGN": "1550", "AUD": "1.52"}
DEALER_COUNTRIES = ["JP", "AE", "GB", "ZA", "DE", "US"]
BUYER_COUNTRIES = ["KE", "NG", "TZ", "UG", "GH", "ZM", "RW"]
COUNTRY_EFFECT = {"KE": 0.3, "NG": -0.2, "TZ": 0.1, "UG": 0.0, "GH": -0.1, "ZM": 0.2, "RW": 0.1}
SOURCES = ["website", "direct", "referral", "broker"]
SOURCE_WEIGHTS = [0.5, 0.2, 0.15, 0.15]
SOURCE_EFFECT = {"website": -0.3, "direct": 0.1, "referral": 0.4, "broker": 0.0}


@dataclass(frozen=True)
class SimulationResult:
    dealers: int
    vehicles: int
    buyers: int
    views: int
    leads: int
    won: int


def _copy(table: str, columns: list[str], rows) -> int:
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _next_ids(sequence_of: str, n: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [sequence_of, n])
        return [row[0] for row in cursor.fetchall()]


def reset() -> None:
    """Remove the rows of an earlier simulation (and everything hanging off them)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM auth_user WHERE username LIKE %s", [PREFIX + "%"])
        users = [r[0] for r in cursor.fetchall()]
        dealers = list(Dealer.objects.filter(source_key__startswith=PREFIX).values_list("id", flat=True))
        cursor.execute(
            "DELETE FROM scoring_leadscore WHERE lead_id IN (SELECT id FROM sales_lead WHERE dealer_id = ANY(%s))",
            [dealers],
        )
        cursor.execute(
            "DELETE FROM sales_deal WHERE vehicle_id IN (SELECT id FROM catalog_vehicle WHERE dealer_id = ANY(%s))",
            [dealers],
        )
        cursor.execute(
            "DELETE FROM inquiries_inquirymessage WHERE inquiry_id IN"
            " (SELECT id FROM inquiries_inquiry WHERE dealer_id = ANY(%s))",
            [dealers],
        )
        cursor.execute("DELETE FROM inquiries_inquiry WHERE dealer_id = ANY(%s)", [dealers])
        cursor.execute("DELETE FROM sales_lead WHERE dealer_id = ANY(%s)", [dealers])
        cursor.execute("DELETE FROM buyers_vehicleview WHERE user_id = ANY(%s)", [users])
        cursor.execute("DELETE FROM catalog_vehicle WHERE dealer_id = ANY(%s)", [dealers])
        cursor.execute("DELETE FROM catalog_dealer WHERE id = ANY(%s)", [dealers])
        get_user_model().objects.filter(id__in=users).delete()


def simulate(*, leads: int, seed: int, end: datetime | None = None) -> SimulationResult:
    """Write `leads` leads (and the world around them) ending at `end` (default: now), reproducibly."""
    rng = np.random.default_rng(seed)
    end = (end or datetime.now(UTC)).replace(microsecond=0)
    start = end - timedelta(days=DAYS)
    with transaction.atomic():
        for code, rate in RATES.items():
            Currency.objects.get_or_create(
                code=code, defaults={"name": code, "units_per_usd": Decimal(rate), "rate_updated_at": start}
            )
        rates = {c.code: float(c.units_per_usd) for c in Currency.objects.filter(code__in=RATES)}
        tag = f"{PREFIX}{seed}-{int(end.timestamp())}"
        world = _World(rng, start=start, end=end, leads=leads, tag=tag, rates=rates)
        # The dealers' answers draw from a stream of their own: the rest of the world is drawn as before.
        world.answer_rng = np.random.default_rng([seed, 22])
        result = world.write()
    return result


class _World:
    def __init__(self, rng, *, start, end, leads, tag, rates):
        self.rng, self.start, self.end, self.n_leads, self.tag, self.rates = rng, start, end, leads, tag, rates

    def _moment(self, size: int) -> np.ndarray:
        """Seconds after start, denser in the (hidden) high season, March-May and September-November."""
        out = []
        while len(out) < size:
            t = self.rng.uniform(0, DAYS * 86400, size)
            month = np.array([(self.start + timedelta(seconds=float(s))).month for s in t])
            keep = self.rng.random(size) < np.where(np.isin(month, [3, 4, 5, 9, 10, 11]), 1.0, 0.6)
            out.extend(t[keep].tolist())
        return np.array(out[:size])

    def write(self) -> SimulationResult:
        rng = self.rng
        # Dealers, with a hidden quality that shows only through their deals.
        n_dealers = max(5, self.n_leads // 500)
        dealers = Dealer.objects.bulk_create(
            Dealer(
                name=f"Simulated dealer {i}",
                country=str(rng.choice(DEALER_COUNTRIES)),
                city="Sim City",
                verified=bool(rng.random() < 0.7),
                source_key=f"{self.tag}-dealer-{i}",
            )
            for i in range(n_dealers)
        )
        dealer_quality = rng.normal(0, 0.8, n_dealers)
        # Vehicles, each priced off its market by a gap the buyers react to.
        n_vehicles = max(50, self.n_leads // 5)
        kinds = rng.integers(0, len(MODELS), n_vehicles)
        years = rng.integers(2008, self.end.year, n_vehicles)
        gaps = rng.normal(0, 0.12, n_vehicles)
        listed = rng.uniform(-60, DAYS - 20, n_vehicles)
        currencies = rng.choice(list(self.rates), n_vehicles, p=[0.6, 0.1, 0.1, 0.1, 0.05, 0.05])
        vdealer = rng.integers(0, n_dealers, n_vehicles)
        vehicles, usd_prices = [], np.zeros(n_vehicles)
        for i in range(n_vehicles):
            make, model, body, base = MODELS[kinds[i]]
            age = max(0, self.end.year - int(years[i]))
            market_usd = base * (0.88 ** (age - 3))
            usd = market_usd * (1 + gaps[i])
            usd_prices[i] = usd
            cur = str(currencies[i])
            vehicles.append(
                Vehicle(
                    make=make,
                    model=model,
                    year=int(years[i]),
                    price=Decimal(str(round(usd * self.rates[cur], 2))),
                    currency_id=cur,
                    mileage_km=int(max(0, rng.normal(15000 * (age + 1), 8000))),
                    body_type=body,
                    fuel="petrol",
                    transmission="automatic",
                    description=f"{make} {model} {body}, simulated listing.",
                    dealer=dealers[vdealer[i]],
                    country=dealers[vdealer[i]].country,
                    city="Sim City",
                    status="available",
                    listed_at=self.start + timedelta(days=float(listed[i])),
                    source_key=f"{self.tag}-vehicle-{i}",
                )
            )
        vehicles = Vehicle.objects.bulk_create(vehicles, batch_size=2000)
        # How buyers browse: within a kind of car, towards their own budget and towards listings with a
        # hidden appeal (photos, condition) that makes some cars popular. Co-views and similarity can
        # only find what this leaves in the view log.
        appeal = rng.lognormal(0, 1.0, n_vehicles)
        log_price = np.log(usd_prices)
        by_kind = {int(k): np.flatnonzero(kinds == k) for k in np.unique(kinds)}
        kind_price = {k: float(np.median(log_price[idx])) for k, idx in by_kind.items()}

        def pick(kind: int, budget: float, day: float) -> int:
            pool = by_kind.get(kind)
            if pool is None:
                return int(rng.integers(0, n_vehicles))
            alive = pool[listed[pool] < day]
            alive = alive if len(alive) else pool
            weight = appeal[alive] * np.exp(-((log_price[alive] - kind_price[kind] - budget) ** 2) / (2 * 0.2**2))
            return int(rng.choice(alive, p=weight / weight.sum()))

        # Buyers: a hidden intent, and a taste (a few kinds of car they look at).
        n_buyers = max(20, int(self.n_leads / 2.5))
        User = get_user_model()
        users = User.objects.bulk_create(
            [User(username=f"{self.tag}-buyer-{i}", password="!", email="") for i in range(n_buyers)], batch_size=2000
        )
        countries = rng.choice(BUYER_COUNTRIES, n_buyers)
        joined = rng.uniform(-120, DAYS - 30, n_buyers)
        buyers = Buyer.objects.bulk_create(
            [
                Buyer(user=users[i], full_name=f"Simulated buyer {i}", country=str(countries[i]))
                for i in range(n_buyers)
            ],
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE buyers_buyer b SET created_at = v.at FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at)"
                " WHERE b.id = v.id",
                [[b.id for b in buyers], [self.start + timedelta(days=float(d)) for d in joined]],
            )
        intent = rng.normal(0, 1, n_buyers)
        taste = [rng.choice(len(MODELS), 3, replace=False) for _ in range(n_buyers)]
        # Where in a kind's price range each buyer shops (log-price offset from the kind's median).
        budget = rng.normal(0, 0.3, n_buyers)
        # Brokers: staff-less users who bring leads, with a hidden skill.
        brokers = User.objects.bulk_create([User(username=f"{self.tag}-broker-{i}", password="!") for i in range(8)])
        broker_skill = rng.normal(0, 0.6, len(brokers))

        # Leads.
        n = self.n_leads
        lead_buyer = rng.integers(0, n_buyers, n)
        at = self._moment(n)
        sources = rng.choice(SOURCES, n, p=SOURCE_WEIGHTS)
        lead_ids = _next_ids("sales_lead", n)
        lead_rows, deal_rows, view_rows, watch_rows, search_rows = [], [], [], [], []
        thread_rows: list[tuple] = []
        threads: set[tuple[int, int]] = set()
        watched: set[tuple[int, int]] = set()
        buyer_wins = np.zeros(n_buyers)
        order = np.argsort(at)
        won = 0
        for j in order:
            b = int(lead_buyer[j])
            t = self.start + timedelta(seconds=float(at[j]))
            day = float(at[j]) / 86400
            kind = int(rng.choice(taste[b])) if rng.random() < 0.85 else int(rng.integers(0, len(MODELS)))
            vi = pick(kind, budget[b], day)
            vehicle = vehicles[vi]
            d = int(vdealer[vi])
            source = str(sources[j])
            broker = int(rng.integers(0, len(brokers))) if source == "broker" else None
            ib = intent[b]
            # What the intent makes the buyer do before the lead: the only trace it leaves.
            own_views = rng.poisson(math.exp(0.2 + 0.55 * ib))
            for _ in range(own_views):
                seen = t - timedelta(hours=float(rng.uniform(1, 24 * 14)))
                dwell = int(min(3600, rng.lognormal(3.2 + 0.35 * ib, 0.6)))
                view_rows.append((users[b].id, "", vehicle.id, seen, dwell))
            for _ in range(rng.poisson(math.exp(1.0 + 0.25 * ib))):
                hours = float(rng.uniform(1, 24 * 30))
                other_kind = kind if rng.random() < 0.6 else int(rng.choice(taste[b]))
                other = vehicles[pick(other_kind, budget[b], day - hours / 24)]
                seen = t - timedelta(hours=hours)
                view_rows.append((users[b].id, "", other.id, seen, int(rng.lognormal(2.8, 0.7))))
            if rng.random() < 1 / (1 + math.exp(-(ib - 1.0))):
                search_rows.append(
                    (users[b].id, f"{vehicle.make} {vehicle.model}", t - timedelta(days=float(rng.uniform(1, 20))))
                )
            if (users[b].id, vehicle.id) not in watched and rng.random() < 1 / (
                1 + math.exp(-(0.8 * ib - 1.2 - 6 * gaps[vi]))
            ):
                watched.add((users[b].id, vehicle.id))
                watch_rows.append((users[b].id, vehicle.id, t - timedelta(hours=float(rng.uniform(1, 72)))))
            # The hidden conversion process.
            month = t.month
            season = 0.35 if month in (3, 4, 5, 9, 10, 11) else -0.25
            price_effect = -5.0 * gaps[vi] * (1.6 if buyers[b].country == "NG" else 1.0)
            logit = (
                -1.9
                + 0.95 * ib
                + 0.6 * dealer_quality[d]
                + price_effect
                + SOURCE_EFFECT[source]
                + (broker_skill[broker] if broker is not None else 0.0)
                + season
                + COUNTRY_EFFECT[buyers[b].country]
                + 0.5 * min(buyer_wins[b], 2)
                - 0.04 * max(0, (t - vehicle.listed_at).days - 60) / 10
            )
            # The dealer's answer to this lead's question: its delay, or none.
            answers = self.answer_rng
            answered = answers.random() >= 1 / (1 + math.exp(2.0 + 1.2 * dealer_quality[d]))
            delay_hours = float(answers.lognormal(math.log(6) - 0.9 * dealer_quality[d], 1.0)) if answered else None
            logit += (0.3 - 0.2 * math.log1p(delay_hours)) if answered else -0.9
            if (b, vi) not in threads:  # one thread per buyer and vehicle, like the platform's
                threads.add((b, vi))
                answer_at = t + timedelta(hours=delay_hours) if answered else None
                answer_at = answer_at if answer_at is not None and answer_at < self.end else None
                thread_rows.append((buyers[b].id, vehicle.id, dealers[d].id, lead_ids[j], t, answer_at, users[b].id))
            p = 1 / (1 + math.exp(-logit))
            lead_id = lead_ids[j]
            if rng.random() < p and t + timedelta(days=30) < self.end:
                won += 1
                buyer_wins[b] += 1
                deal_at = t + timedelta(days=float(rng.uniform(1, 10)))
                paid_at = deal_at + timedelta(days=float(rng.exponential(10)))
                stage = "delivered" if paid_at + timedelta(days=40) < self.end else "paid"
                lead_rows.append(
                    self._lead(
                        lead_id, buyers[b], vehicle, d, dealers, source, brokers, broker, "converted", deal_at, t
                    )
                )
                deal_rows.append(
                    (
                        buyers[b].id,
                        vehicle.id,
                        lead_id,
                        stage,
                        vehicle.price,
                        vehicle.currency_id,
                        paid_at,
                        deal_at,
                        paid_at,
                    )
                )
            else:
                last = t + timedelta(days=float(rng.uniform(0, 20)))
                status = "lost" if rng.random() < 0.5 and last < self.end else "contacted"
                lead_rows.append(
                    self._lead(
                        lead_id, buyers[b], vehicle, d, dealers, source, brokers, broker, status, min(last, self.end), t
                    )
                )
        _copy(
            "sales_lead",
            [
                "id",
                "buyer_id",
                "vehicle_id",
                "dealer_id",
                "source",
                "broker_id",
                "status",
                "last_contact_at",
                "outcome",
                "created_at",
            ],
            lead_rows,
        )
        deal_ids = _next_ids("sales_deal", len(deal_rows))
        _copy(
            "sales_deal",
            [
                "id",
                "buyer_id",
                "vehicle_id",
                "lead_id",
                "stage",
                "agreed_price",
                "currency_id",
                "stage_changed_at",
                "created_at",
                "updated_at",
                "deposit_amount",
                "commission_rate",
            ],
            [(i, *row, 0, 0) for i, row in zip(deal_ids, deal_rows, strict=True)],
        )
        with connection.cursor() as cursor:
            # Simulated history is not news: nobody is told about these deals.
            cursor.execute(
                "UPDATE notifications_outboxevent SET processed_at = now() WHERE processed_at IS NULL"
                " AND event_type = 'deal_created' AND (payload->>'deal_id')::bigint = ANY(%s)",
                [deal_ids],
            )
        views = _copy(
            "buyers_vehicleview", ["user_id", "session_key", "vehicle_id", "viewed_at", "dwell_seconds"], view_rows
        )
        _copy(
            "notifications_pricewatch",
            ["user_id", "vehicle_id", "created_at", "active"],
            [(*r, True) for r in watch_rows],
        )
        _copy(
            "notifications_savedsearch",
            ["user_id", "name", "params", "query", "active", "since_version", "created_at", "updated_at"],
            [(u, name, "{}", "{}", False, 0, when, when) for u, name, when in search_rows],
        )
        self._write_threads(thread_rows)
        return SimulationResult(n_dealers, n_vehicles, n_buyers, views, n, won)

    def _write_threads(self, rows) -> None:
        """Each lead's thread: the buyer's question at the lead, the dealer's answer when there is one."""
        ids = _next_ids("inquiries_inquiry", len(rows))
        _copy(
            "inquiries_inquiry",
            [
                "id",
                "buyer_id",
                "vehicle_id",
                "dealer_id",
                "lead_id",
                "created_at",
                "delivered_at",
                "last_message_at",
                "awaiting_since",
                "first_response_at",
            ],
            [
                (i, buyer, vehicle, dealer, lead, at, at, answer or at, None if answer else at, answer)
                for i, (buyer, vehicle, dealer, lead, at, answer, _) in zip(ids, rows, strict=True)
            ],
        )
        messages = []
        for i, (_, _, _, _, at, answer, user) in zip(ids, rows, strict=True):
            messages.append((i, user, False, "Is this vehicle still available? (simulated)", False, uuid.uuid4(), at))
            if answer is not None:
                messages.append((i, None, True, "Yes, it is. (simulated)", False, uuid.uuid4(), answer))
        _copy(
            "inquiries_inquirymessage",
            ["inquiry_id", "author_id", "from_dealer", "body", "held", "client_key", "created_at"],
            messages,
        )

    @staticmethod
    def _lead(lead_id, buyer, vehicle, d, dealers, source, brokers, broker, status, last_contact, created):
        return (
            lead_id,
            buyer.id,
            vehicle.id,
            dealers[d].id,
            source,
            brokers[broker].id if broker is not None else None,
            status,
            last_contact,
            "",
            created,
        )
