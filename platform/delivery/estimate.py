"""Delivered price and import eligibility of one car, from a snapshot of the reference data. Pure.

FOB (the dealer's price plus the inland leg to the export port) + freight + marine insurance = CIF,
the price at the destination port; + duty, excise, VAT, levies and any age surcharge = the landed
estimate. A car already in the destination country is local: no freight, no duty. A route without a
freight rate, or a country without taxes, has no estimate (never a price of zero).

Floats, not Decimals: the indexer runs this for every port of every car it writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The size band freight is quoted for, by body type; an unknown body is priced as the larger band.
SIZE_BY_BODY = {
    "sedan": "car",
    "hatchback": "car",
    "coupe": "car",
    "convertible": "car",
    "suv": "suv",
    "pickup": "suv",
    "van": "suv",
    "minivan": "suv",
    "wagon": "suv",
    "truck": "large",
    "bus": "large",
}
DEFAULT_SIZE = "suv"
# Why a car may not enter a country (card and vehicle page words: web.labels).
REFUSALS = ("age", "steering", "steering_unknown", "used")


@dataclass(frozen=True)
class Source:
    """Where one figure comes from: shown beside it on the vehicle page."""

    kind: str  # "freight", "insurance", "origin", "tax", "surcharge", "rule"
    status: str  # primary | secondary | estimate
    title: str
    url: str
    checked_on: date
    effective_from: date


@dataclass(frozen=True)
class PortRef:
    code: str
    name: str
    country: str
    country_name: str
    country_name_fr: str
    currency: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Origin:
    region: str
    export_port: str
    inland_usd: float
    source: Source


@dataclass(frozen=True)
class Tax:
    duty: float
    excise: float
    vat: float
    levies: float
    source: Source
    # (older than years, percent, base "cif" | "cif_duty", source), highest band first.
    surcharges: tuple[tuple[int, float, str, Source], ...] = ()


@dataclass(frozen=True)
class Rule:
    max_age_years: int | None
    steering: str
    used_allowed: bool
    source: Source


@dataclass(frozen=True)
class Reference:
    """The rates and rules in force on `day`."""

    day: date
    ports: tuple[PortRef, ...]
    origins: dict[str, Origin] = field(default_factory=dict)
    # (region, port code, size class) -> (amount, method, source); RoRo where both are quoted.
    freight: dict[tuple[str, str, str], tuple[float, str, Source]] = field(default_factory=dict)
    insurance: tuple[float, float, Source] | None = None
    taxes: dict[str, Tax] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(port.country for port in self.ports))

    def port(self, code: str) -> PortRef | None:
        return next((port for port in self.ports if port.code == code), None)


@dataclass(frozen=True)
class Car:
    price_usd: float | None
    year: int
    steering: str
    condition: str
    body: str
    country: str


@dataclass
class Breakdown:
    port: str
    local: bool = False
    fob: float = 0.0
    inland: float = 0.0
    freight: float = 0.0
    freight_method: str = ""
    insurance: float = 0.0
    cif: float = 0.0
    duty: float = 0.0
    excise: float = 0.0
    vat: float = 0.0
    levies: float = 0.0
    surcharge: float = 0.0
    landed: float | None = None
    # Why there is no estimate: "no_price", "no_origin", "no_freight", "no_insurance", "no_tax".
    missing: str = ""
    sources: list[Source] = field(default_factory=list)
    export_port: str = ""

    @property
    def taxes(self) -> float:
        return self.duty + self.excise + self.vat + self.levies + self.surcharge

    @property
    def rates_as_of(self) -> date | None:
        return max((source.checked_on for source in self.sources), default=None)

    @property
    def has_estimates(self) -> bool:
        return any(source.status == "estimate" for source in self.sources)


def age_years(car: Car, day: date) -> int:
    """Calendar years since the model year (first registration is not recorded)."""
    return max(0, day.year - car.year)


def refusals(car: Car, rule: Rule | None, day: date) -> list[str]:
    """Why `rule` keeps the car out (empty: it may enter)."""
    if rule is None:
        return []
    reasons = []
    if rule.max_age_years is not None and age_years(car, day) >= rule.max_age_years:
        reasons.append("age")
    if rule.steering:
        if not car.steering:
            reasons.append("steering_unknown")
        elif car.steering != rule.steering:
            reasons.append("steering")
    if not rule.used_allowed and car.condition != "new":
        reasons.append("used")
    return reasons


def breakdown(ref: Reference, car: Car, port: PortRef) -> Breakdown:
    out = Breakdown(port=port.code)
    if car.price_usd is None:
        out.missing = "no_price"
        return out
    out.fob = car.price_usd
    if car.country == port.country:
        out.local = True
        out.cif = out.landed = round(car.price_usd, 2)
        return out
    origin = ref.origins.get(car.country)
    if origin is None:
        out.missing = "no_origin"
        return out
    out.export_port = origin.export_port
    out.inland = origin.inland_usd
    out.sources.append(origin.source)
    rate = ref.freight.get((origin.region, port.code, SIZE_BY_BODY.get(car.body, DEFAULT_SIZE)))
    if rate is None:
        out.missing = "no_freight"
        return out
    out.freight, out.freight_method = rate[0], rate[1]
    out.sources.append(rate[2])
    if ref.insurance is None:
        out.missing = "no_insurance"
        return out
    percent, minimum, source = ref.insurance
    fob = car.price_usd + out.inland
    out.fob = fob
    out.insurance = max(minimum, (fob + out.freight) * percent / 100)
    out.sources.append(source)
    out.cif = fob + out.freight + out.insurance
    tax = ref.taxes.get(port.country)
    if tax is None:
        out.missing = "no_tax"
        return out
    out.sources.append(tax.source)
    cif = out.cif
    out.duty = cif * tax.duty / 100
    out.excise = (cif + out.duty) * tax.excise / 100
    age = age_years(car, ref.day)
    for older_than, percent, base, surcharge_source in tax.surcharges:
        if age > older_than:
            out.surcharge = (cif if base == "cif" else cif + out.duty) * percent / 100
            out.sources.append(surcharge_source)
            break
    out.vat = (cif + out.duty + out.excise + out.surcharge) * tax.vat / 100
    out.levies = cif * tax.levies / 100
    out.landed = round(cif + out.taxes, 2)
    out.cif = round(cif, 2)
    return out


def document_fields(ref: Reference, car: Car) -> dict:
    """What the search document holds: per port the CIF and landed estimates in US dollars (a port
    without an estimate is absent, so it sorts last and no range matches it), the destination
    countries the car may enter, and the refusals ("KE:age") cards explain."""
    cif, landed = {}, {}
    for port in ref.ports:
        result = breakdown(ref, car, port)
        if result.landed is not None:
            cif[port.code], landed[port.code] = result.cif, result.landed
    importable, refused = [], []
    for country in ref.countries:
        reasons = [] if car.country == country else refusals(car, ref.rules.get(country), ref.day)
        if reasons:
            refused += [f"{country}:{reason}" for reason in reasons]
        else:
            importable.append(country)
    return {"cif_usd": cif, "delivered_usd": landed, "importable_to": importable, "import_refusals": refused}
