"""Query understanding: makes, models, years, prices, attribute words and places read out of free text. Pure.

"toyota hilux diesel 2015+ under 5 million naira" becomes chips (make=Toyota, model=Hilux,
fuel=diesel, year_min=2015, price_max=...) and the words left for full-text search. Each chip is a
search parameter a user could have sent, so a page can show it, and remove it, as a filter.

Nothing here talks to the engine: the makes, models and places known to the index come in as a
`Vocabulary` (search.vocabulary loads it from the index), exchange rates as a mapping.
English and French words are recognised; everything is matched lower-cased with accents folded.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from search.fields import (
    ATTRIBUTE_WORDS,
    BY_NAME,
    CHIP_ORDER,
    PER_PORT_RANGES,
    PLACE_FIELDS,
    SHORT_LABELS,
    TERM_PARAMS,
    range_params,
    usd_price,
)

from .countries import country_name, country_names
from .request import Range, VehicleQuery

# A model named without its make is only recognised if it has at least this many listings:
# a rare model name ("Seven", "Town") is more likely an ordinary word.
MIN_LISTINGS_WITHOUT_MAKE = 10
# A model whose listings are nearly all one make's ("C-HR": Toyota) also selects that make.
DOMINANT_MAKE_SHARE = 0.9
MAX_NGRAM = 4


def fold(text: str) -> str:
    """Lower case, accents removed ("Boîte" -> "boite"), apostrophes as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def compact(text: str) -> str:
    """A name without spaces, hyphens or dots, so that "C-HR", "c hr" and "CHR" meet."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


# --- attribute words ------------------------------------------------------------------------------------
# Words that say nothing about the car wanted: dropped from what is left for full-text search.
FILLER_WORDS = frozenset(
    """a an the for with and or in of to my me i im i'm looking look want wanted need find search searching
    buy buying sale sell selling car cars vehicle vehicles auto automobile please any some je cherche
    recherche une un des de du la le les l d pour avec et ou en a vendre voiture voitures vehicule achat
    acheter boite gearbox transmission""".split()  # noqa: SIM905
)

# --- makes and models -----------------------------------------------------------------------------------
# Folded nickname -> canonical make, for names the index does not spell that way.
MAKE_ALIASES = {
    "benz": "Mercedes-Benz",
    "merc": "Mercedes-Benz",
    "mercedes": "Mercedes-Benz",
    "mercedez": "Mercedes-Benz",
    "mb": "Mercedes-Benz",
    "vw": "Volkswagen",
    "volkswagon": "Volkswagen",
    "chevy": "Chevrolet",
    "beemer": "BMW",
    "bimmer": "BMW",
    "alfa": "Alfa Romeo",
}
# Folded nickname -> (make, model): local names for a model.
MODEL_ALIASES = {
    "prado": ("Toyota", "Land Cruiser"),
    "land cruiser prado": ("Toyota", "Land Cruiser"),
    "landcruiser prado": ("Toyota", "Land Cruiser"),
    "range rover": ("Land Rover", "Range Rover"),
    "classe e": ("Mercedes-Benz", "E-Class"),
}
# Model codes buyers type for a family: BMW "330i", "520d", Mercedes "c220", "e350", "classe e".
_BMW_CODE = re.compile(r"^([1-8])\d{2}(?:i|d|e|xi|xd|ci|is|si|td|tds)?$")
_MERCEDES_CODE = re.compile(r"^(a|b|c|e|s|cl|cls|sl|slk|g|gl|gla|glc|gle|gls|ml)\d{2,3}(?:d|cdi|e|amg)?$")


@dataclass(frozen=True)
class Chip:
    param: str
    value: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"param": self.param, "value": self.value, "label": self.label}


@dataclass(frozen=True)
class Interpretation:
    applied: bool
    chips: tuple[Chip, ...] = ()
    # The words left for full-text search, as the user wrote them.
    text: str = ""

    def values(self, param: str) -> tuple[str, ...]:
        return tuple(chip.value for chip in self.chips if chip.param == param)

    @property
    def port(self) -> str:
        """The destination port the text names ("delivered to Mombasa" -> KEMBA), or ""."""
        return next((chip.value for chip in self.chips if chip.param == "port"), "")

    @property
    def names_vehicle(self) -> bool:
        """A make or model was recognised: the words left only rank, they no longer have to match."""
        return any(chip.param in ("make", "model") for chip in self.chips)

    def as_dict(self) -> dict:
        return {"applied": self.applied, "chips": [chip.as_dict() for chip in self.chips], "text": self.text}


@dataclass(frozen=True)
class ModelEntry:
    make: str
    model: str
    count: int


@dataclass
class Vocabulary:
    """The makes and models that have listings, keyed by their compact spelling."""

    makes: dict[str, str] = field(default_factory=dict)
    make_counts: dict[str, int] = field(default_factory=dict)
    models: dict[str, list[ModelEntry]] = field(default_factory=dict)
    # Compact model names by first letter, for the misspelling search (a typo keeps the first letter).
    by_initial: dict[str, list[str]] = field(default_factory=dict)
    # Folded place name -> (parameter, value, label): the cities and countries where cars stand.
    places: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, str, int]], places: Mapping[str, Iterable[str]] | None = None
    ) -> Vocabulary:
        """From (make, model, listings) rows, and the values each place field holds (search.fields
        PLACE_FIELDS: {"city": ["Lagos", ...], "country": ["NG", ...]})."""
        vocabulary = cls()
        vocabulary.places = _place_words(places or {})
        for make, model, count in rows:
            vocabulary.makes.setdefault(compact(make), make)
            vocabulary.make_counts[make] = vocabulary.make_counts.get(make, 0) + count
            key = compact(model)
            if key and key != compact(make):
                vocabulary.models.setdefault(key, []).append(ModelEntry(make, model, count))
            # "C-Class" is also called "C class", "classe C" and, with its make named, "C".
            family = re.fullmatch(r"([0-9a-z]+)(?:class|series|klasse)", key)
            if family:
                vocabulary.models.setdefault(f"{family.group(1)}:family", []).append(ModelEntry(make, model, count))
        for key, entries in vocabulary.models.items():
            entries.sort(key=lambda e: -e.count)
            if ":" not in key:
                vocabulary.by_initial.setdefault(key[0], []).append(key)
        return vocabulary

    def make_of(self, key: str) -> str | None:
        return self.makes.get(key) or _known(MAKE_ALIASES.get(key), self.make_counts)

    def closest_make(self, word: str) -> str | None:
        """The make a misspelt word most likely means ("toyta" -> Toyota), if any is close enough."""
        budget = typo_budget(word)
        if not budget or word in NOT_TYPOS or not word.isalpha():
            return None
        best = None
        for key, make in self.makes.items():
            if key[0] != word[0] or self.make_counts.get(make, 0) < MIN_LISTINGS_WITHOUT_MAKE:
                continue
            distance = edit_distance(word, key, budget if len(word) > 3 else 1)
            if distance <= budget and (len(word) > 3 or sorted(word) == sorted(key)):
                rank = (distance, -self.make_counts[make])
                if best is None or rank < best[0]:
                    best = (rank, make)
        return best[1] if best else None

    def closest_models(self, key: str, makes: tuple[str, ...]) -> list[ModelEntry]:
        """Entries of the model a misspelt name most likely means, among the named makes' models."""
        budget = typo_budget(key)
        if not budget or key in NOT_TYPOS or not key.isalpha():
            return []
        best = None
        for candidate in self.by_initial.get(key[0], ()):
            if abs(len(candidate) - len(key)) > budget:
                continue
            entries = self.models[candidate]
            entries = [e for e in entries if e.make in makes] if makes else [e for e in entries if e.count >= 50]
            if not entries:
                continue
            distance = edit_distance(key, candidate, budget)
            if distance <= budget:
                rank = (distance, -entries[0].count)
                if best is None or rank < best[0]:
                    best = (rank, entries)
        return best[1] if best else []

    def models_of(self, key: str, makes: tuple[str, ...]) -> list[ModelEntry]:
        """Entries for a compact model name, limited to the named makes when there are any."""
        entries = self.models.get(key, [])
        if len(key) == 1 and key.isalpha():
            return []
        if makes:
            return [e for e in entries if e.make in makes]
        return [e for e in entries if e.count >= MIN_LISTINGS_WITHOUT_MAKE and not key.isdigit() and len(key) > 1]


def _place_words(places: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, str, str]]:
    words: dict[str, tuple[str, str, str]] = {}
    for place in PLACE_FIELDS:
        for value in places.get(place.name, ()):
            by_name = place.terms_param.kind == "country"
            names = country_names(value) if by_name else {value}
            label = country_name(value) if by_name else value
            # "Côte d’Ivoire" is typed "cote d'ivoire" as often as "cote d ivoire".
            spellings = {spelt for name in names for spelt in (fold(name), re.sub(r"'", " ", fold(name)))}
            for spelt in spellings:
                key = " ".join(token.folded for token in _tokens(spelt))
                # A place called like a filler or attribute word ("Mobile", "Independence"...) is not read
                # as one; a more specific field (a city) keeps a name it shares with a broader one.
                if key and key not in FILLER_WORDS and not _is_attribute(key):
                    words.setdefault(key, (place.name, value, label))
    return words


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), or limit + 1 if above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_budget(word: str) -> int:
    """Edits forgiven in a word: none below 3 letters, a swap at 3, one up to 7, two from 8."""
    return 0 if len(word) < 3 else 1 if len(word) < 8 else 2


# Ordinary words a few letters away from a make or model ("seats" ~ SEAT); never corrected.
NOT_TYPOS = frozenset(
    """seats seater seat cheap clean owner owners miles mileage low family first leather double dual single
    cab crew good great nice mint full service history price priced sport sports turbo engine tyres
    import export excellent condition white black silver blue red grey gray green""".split()  # noqa: SIM905
)


def _known(make: str | None, counts: Mapping[str, int]) -> str | None:
    return make if make and make in counts else None


# --- the parse ------------------------------------------------------------------------------------------
@dataclass
class _Token:
    raw: str
    folded: str
    used: bool = False


_TOKEN = re.compile(r"[£$€]|[\w'+%-]+(?:[.,]\d+)*", re.UNICODE)


def _tokens(text: str) -> list[_Token]:
    out = []
    for raw in _TOKEN.findall(text):
        folded = fold(raw).strip("'")
        if folded:
            out.append(_Token(raw, folded))
    return out


# Currency words (folded) -> ISO code.
CURRENCY_WORDS = {
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us$": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "livres": "GBP",
    "aud": "AUD",
    "a$": "AUD",
    "naira": "NGN",
    "ngn": "NGN",
    "fcfa": "XOF",
    "cfa": "XOF",
    "xof": "XOF",
    "xaf": "XAF",
    "ksh": "KES",
    "kes": "KES",
    "kshs": "KES",
    "shillings": "KES",
    "tzs": "TZS",
    "tsh": "TZS",
    "ugx": "UGX",
    "ush": "UGX",
    "cedi": "GHS",
    "cedis": "GHS",
    "ghs": "GHS",
    "rand": "ZAR",
    "zar": "ZAR",
    "rwf": "RWF",
    "zmw": "ZMW",
    "kwacha": "ZMW",
}
MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "mille": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "mio": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
    "milliard": 1_000_000_000,
    "milliards": 1_000_000_000,
}
PRICE_MAX_WORDS = (
    "under",
    "below",
    "less than",
    "max",
    "maximum",
    "up to",
    "upto",
    "at most",
    "cheaper than",
    "budget",
    "moins de",
    "sous",
    "jusqu'a",
    "jusqu a",
    "au plus",
    "maxi",
    "<",
    "<=",
)
PRICE_MIN_WORDS = ("over", "above", "more than", "at least", "min", "minimum", "plus de", "au moins", "des", ">", ">=")
YEAR_MIN_WORDS = {"after": 1, "newer than": 1, "apres": 1, "since": 0, "from": 0, "depuis": 0, "des": 0}
YEAR_MAX_WORDS = {"before": -1, "older than": -1, "avant": -1, "until": 0, "jusqu'a": 0, "jusqu a": 0}
# "2015 to 2018", "2015 à 2018", "2015 - 2018".
YEAR_JOINERS = ("to", "a", "-", "and", "et")
_YEAR = re.compile(r"^(19[5-9]\d|20[0-4]\d)$")
_YEAR_PLUS = re.compile(r"^(19[5-9]\d|20[0-4]\d)\+$")
_YEAR_SPAN = re.compile(r"^(19[5-9]\d|20[0-4]\d)-(19[5-9]\d|20[0-4]\d)$")
_NUMBER = re.compile(r"^\d{1,3}(?:[ ,.]\d{3})+$|^\d+(?:[.,]\d+)?$")
_NUMBER_WITH_SUFFIX = re.compile(r"^(\d+(?:[.,]\d+)?)(k|m|mn|million)$")
_CURRENCY_PREFIXED = re.compile(r"^(\$|€|£|ksh|kes|ngn|usd|gbp|eur|aud)(\d[\d.,]*)(k|m)?$")
# Words before a port that make a price a delivered one (landed, duties paid) or one at the port (CIF).
DELIVERED_WORDS = (
    "delivered to",
    "delivered at",
    "delivered in",
    "delivery to",
    "landed in",
    "landed at",
    "landed",
    "shipped to",
    "livre a",
    "livree a",
    "livre au",
    "livraison a",
    "rendu a",
    "rendu",
    "rendue",
    "dedouane a",
)
CIF_WORDS = ("cif", "c.i.f", "c.i.f.", "caf")
# Above this an "amount" is no price (the API's price parameters hold 12 digits before the point).
MAX_AMOUNT = Decimal(10) ** 12


class _Parser:
    def __init__(self, text: str, vocabulary: Vocabulary, units_per_usd: Mapping[str, Decimal], currency: str):
        self.tokens = _tokens(text)
        self.vocabulary = vocabulary
        self.units = units_per_usd
        self.currency = currency
        self.chips: list[Chip] = []
        # Chips added since the last take(), and the tokens each chip was read from.
        self.pending: list[Chip] = []
        self.sources: dict[Chip, set[int]] = {}
        # "delivered" or "cif": what a price bound means once a port is named.
        self.basis = "delivered"

    # helpers
    def free(self, start: int, length: int) -> bool:
        return start + length <= len(self.tokens) and not any(t.used for t in self.tokens[start : start + length])

    def phrase(self, start: int, length: int) -> str:
        return " ".join(t.folded for t in self.tokens[start : start + length])

    def take(self, start: int, length: int) -> None:
        for token in self.tokens[start : start + length]:
            token.used = True
        for chip in self.pending:
            self.sources.setdefault(chip, set()).update(range(start, start + length))
        self.pending = []

    def add(self, param: str, value: str, label: str) -> None:
        if not any(c.param == param and c.value == value for c in self.chips):
            chip = Chip(param, value, label)
            self.chips.append(chip)
            self.pending.append(chip)

    def drop(self, params: set[str]) -> None:
        """Forget chips for these parameters; their words go back to the text (unless another chip used them)."""
        dropped = [c for c in self.chips if _root(c.param) in params]
        self.chips = [c for c in self.chips if c not in dropped]
        kept_tokens = set().union(*(self.sources.get(c, set()) for c in self.chips)) if self.chips else set()
        for chip in dropped:
            for index in self.sources.get(chip, set()) - kept_tokens:
                self.tokens[index].used = False

    def has(self, param: str) -> bool:
        return any(c.param == param for c in self.chips)

    def match_phrases(self, phrases: Iterable[str], start: int) -> int:
        """Length in tokens of the longest of `phrases` found at `start` (0 if none)."""
        best = 0
        for phrase in phrases:
            words = phrase.split()
            if self.free(start, len(words)) and self.phrase(start, len(words)) == phrase and len(words) > best:
                best = len(words)
        return best

    # destination port
    def destination(self, ports: Mapping[str, tuple[str, str]]) -> None:
        """ "delivered to Mombasa", "CIF Lagos", "livré à Abidjan", "rendu Dakar": a port chip, and the
        price bounds of the text become bounds on that port's delivered price (or its CIF price)."""
        longest = max((len(name.split()) for name in ports), default=0)
        for i in range(len(self.tokens)):
            for words, basis in ((DELIVERED_WORDS, "delivered"), (CIF_WORDS, "cif")):
                length = self.match_phrases(words, i)
                if not length:
                    continue
                for size in range(longest, 0, -1):
                    found = ports.get(self.phrase(i + length, size)) if self.free(i + length, size) else None
                    if found:
                        code, name = found
                        label = f"CIF {name}" if basis == "cif" else f"delivered to {name}"
                        self.add("port", code, label)
                        self.take(i, length + size)
                        self.basis = basis
                        return

    def prices_at_port(self) -> None:
        """With a port named, "under 25,000 USD" bounds the price there: delivered_max (or cif_max)."""
        if not self.has("port"):
            return
        renamed = []
        for chip in self.chips:
            if _root(chip.param) == "price":
                chip = Chip(chip.param.replace("price", self.basis, 1), chip.value, chip.label)
            renamed.append(chip)
        self.sources = {renamed[self.chips.index(c)]: tokens for c, tokens in self.sources.items() if c in self.chips}
        self.chips = renamed

    # prices
    def amount_at(self, start: int) -> tuple[Decimal, str | None, int] | None:
        """(amount, currency or None, tokens used) for an amount written from `start`."""
        i, currency, digits = start, None, []
        if i < len(self.tokens) and self.tokens[i].folded in CURRENCY_WORDS and not self.tokens[i].used:
            currency, i = CURRENCY_WORDS[self.tokens[i].folded], i + 1
        glued = _CURRENCY_PREFIXED.match(self.tokens[i].folded) if i < len(self.tokens) else None
        multiplier = 1
        if glued and not self.tokens[i].used:
            currency = CURRENCY_WORDS[glued.group(1)]
            digits.append(glued.group(2))
            multiplier = MULTIPLIERS.get(glued.group(3) or "", 1)
            i += 1
        else:
            # "3 000 000": groups of three digits written apart are one number.
            while i < len(self.tokens) and not self.tokens[i].used:
                folded = self.tokens[i].folded
                suffixed = _NUMBER_WITH_SUFFIX.match(folded)
                if not digits and suffixed:
                    digits.append(suffixed.group(1))
                    multiplier = MULTIPLIERS[suffixed.group(2)]
                    i += 1
                    break
                if (
                    not digits
                    and _NUMBER.match(folded)
                    or digits
                    and re.fullmatch(r"\d{3}", folded)
                    and multiplier == 1
                ):
                    digits.append(folded)
                else:
                    break
                i += 1
        if not digits:
            return None
        number = _parse_number(" ".join(digits))
        if number is None:
            return None
        if i < len(self.tokens) and self.tokens[i].folded in MULTIPLIERS and not self.tokens[i].used:
            multiplier, i = MULTIPLIERS[self.tokens[i].folded], i + 1
        if i < len(self.tokens) and self.tokens[i].folded in CURRENCY_WORDS and not self.tokens[i].used:
            currency, i = currency or CURRENCY_WORDS[self.tokens[i].folded], i + 1
        if currency is not None and currency not in self.units:
            return None
        if number * multiplier >= MAX_AMOUNT:
            return None
        return number * multiplier, currency, i - start

    def price_chip(self, param: str, amount: Decimal, currency: str | None) -> bool:
        source = currency or self.currency
        rate_in = Decimal(str(self.units[source]))
        rate_out = Decimal(str(self.units[self.currency]))
        value = amount / rate_in * rate_out
        # Rounded outwards to the cent, so the stated bound itself is always inside the range.
        cents = value * 100
        value = Decimal(math.ceil(cents) if param == "price_max" else math.floor(cents)) / 100
        if value >= MAX_AMOUNT:
            return False
        word = "under" if param == "price_max" else "over"
        self.add(param, f"{value:.2f}", f"{word} {_money(amount)} {source}")
        return True

    def prices(self) -> None:
        i = 0
        while i < len(self.tokens):
            between = self.match_phrases(("between", "entre"), i)
            if between:
                low = self.amount_at(i + between)
                if low:
                    j = i + between + low[2]
                    joiner = self.match_phrases(("and", "et", "to", "a", "-"), j)
                    high = self.amount_at(j + joiner) if joiner else None
                    currency = (low[1] or high[1]) if high else None
                    if high and not _looks_like_year(low, high) and self.price_chip("price_min", low[0], currency):
                        self.price_chip("price_max", high[0], currency)
                        self.take(i, j + joiner + high[2] - i)
                        i = j + joiner + high[2]
                        continue
            for words, param in ((PRICE_MAX_WORDS, "price_max"), (PRICE_MIN_WORDS, "price_min")):
                length = self.match_phrases(words, i)
                if not length:
                    continue
                amount = self.amount_at(i + length)
                # "under 2015" is about the year only when no currency or multiplier says otherwise.
                bare_year = amount and amount[1] is None and _bare_year(self.tokens[i + length].folded)
                if amount and not bare_year and self.price_chip(param, amount[0], amount[1]):
                    self.take(i, length + amount[2])
                    i += length + amount[2]
                    break
            else:
                amount = self.amount_at(i) if self.free(i, 1) else None
                # A bare amount is a price only when its currency says so ("5 million naira", "$8000").
                if amount and amount[1] is not None and self.price_chip("price_max", amount[0], amount[1]):
                    self.take(i, amount[2])
                    i += amount[2]
                    continue
                i += 1

    # years
    def years(self) -> None:
        bare: list[int] = []
        for i, token in enumerate(self.tokens):
            if token.used:
                continue
            span = _YEAR_SPAN.match(token.folded)
            plus = _YEAR_PLUS.match(token.folded)
            if span:
                self.year_range(int(span.group(1)), int(span.group(2)))
                token.used = True
            elif plus:
                self.add("year_min", plus.group(1), f"{plus.group(1)}+")
                token.used = True
            elif _YEAR.match(token.folded):
                before = self.bound_word(i)
                if before:
                    param, shift, length = before
                    year = int(token.folded) + shift
                    self.add(param, str(year), f"{year}+" if param == "year_min" else f"up to {year}")
                    self.take(i - length, length + 1)
                elif self.match_phrases(YEAR_JOINERS, i + 1):
                    j = i + 1 + self.match_phrases(YEAR_JOINERS, i + 1)
                    if j < len(self.tokens) and _YEAR.match(self.tokens[j].folded) and not self.tokens[j].used:
                        self.year_range(int(token.folded), int(self.tokens[j].folded))
                        self.take(i, j - i + 1)
                        continue
                    bare.append(i)
                else:
                    bare.append(i)
        bare = [i for i in bare if not self.tokens[i].used]
        if len(bare) == 1:
            year = self.tokens[bare[0]].folded
            self.add("year_min", year, year)
            self.add("year_max", year, year)
            self.tokens[bare[0]].used = True
        elif len(bare) == 2:
            self.year_range(int(self.tokens[bare[0]].folded), int(self.tokens[bare[1]].folded))
            self.take(bare[0], 1)
            self.take(bare[1], 1)

    def bound_word(self, i: int) -> tuple[str, int, int] | None:
        for words, param in ((YEAR_MIN_WORDS, "year_min"), (YEAR_MAX_WORDS, "year_max")):
            for phrase, shift in words.items():
                length = len(phrase.split())
                if i - length >= 0 and self.free(i - length, length) and self.phrase(i - length, length) == phrase:
                    return param, shift, length
        return None

    def year_range(self, low: int, high: int) -> None:
        low, high = min(low, high), max(low, high)
        self.add("year_min", str(low), f"{low}–{high}")
        self.add("year_max", str(high), f"{low}–{high}")

    # makes and models
    def makes_and_models(self) -> None:
        vocabulary = self.vocabulary
        for length in range(MAX_NGRAM, 1, -1):
            for i in range(len(self.tokens) - length + 1):
                alias = MODEL_ALIASES.get(self.phrase(i, length)) if self.free(i, length) else None
                entries = (
                    [e for e in vocabulary.models.get(compact(alias[1]), []) if e.make == alias[0]] if alias else []
                )
                if entries:
                    self.add_model(entries, ())
                    self.take(i, length)
        # Makes first (so that a model can be looked up among the named makes' models only).
        for length in range(MAX_NGRAM, 0, -1):
            for i in range(len(self.tokens) - length + 1):
                if not self.free(i, length):
                    continue
                phrase = self.phrase(i, length)
                make = vocabulary.make_of(compact(phrase)) or vocabulary.make_of(phrase)
                if make and not _is_attribute(phrase):
                    self.add("make", make, make)
                    self.take(i, length)
        if not self.values("make"):
            for i, token in enumerate(self.tokens):
                make = None if token.used or _is_attribute(token.folded) else vocabulary.closest_make(token.folded)
                if make:
                    self.add("make", make, make)
                    self.take(i, 1)
        makes = self.values("make")
        for length in range(MAX_NGRAM, 0, -1):
            for i in range(len(self.tokens) - length + 1):
                if not self.free(i, length):
                    continue
                phrase = self.phrase(i, length)
                entries = self.model_entries(phrase, makes)
                if entries:
                    self.add_model(entries, makes)
                    self.take(i, length)
        # "c 220", "classe e": a family letter and its code or the word "class" split in two.
        for i in range(len(self.tokens) - 1):
            if self.free(i, 2):
                first, second = self.tokens[i].folded, self.tokens[i + 1].folded
                letter = second if first in ("classe", "class", "klasse", "serie", "series") else None
                if letter is None and second.isdigit() and len(second) == 3 and makes:
                    letter = first
                if letter:
                    entries = self.vocabulary.models_of(f"{compact(letter)}:family", makes or ("Mercedes-Benz",))
                    if entries:
                        self.add_model(entries, makes)
                        self.take(i, 2)
        if not self.values("model"):
            self.misspelt_models(makes)

    def misspelt_models(self, makes: tuple[str, ...]) -> None:
        for length in (2, 1):
            for i in range(len(self.tokens) - length + 1):
                if not self.free(i, length) or any(t.folded in FILLER_WORDS for t in self.tokens[i : i + length]):
                    continue
                phrase = self.phrase(i, length)
                if _is_attribute(phrase):
                    continue
                entries = self.vocabulary.closest_models(compact(phrase), makes)
                if entries:
                    self.add_model(entries, makes)
                    self.take(i, length)
                    return

    def model_entries(self, phrase: str, makes: tuple[str, ...]) -> list[ModelEntry]:
        if _is_attribute(phrase) or phrase in FILLER_WORDS:
            return []
        vocabulary = self.vocabulary
        alias = MODEL_ALIASES.get(phrase)
        if alias and (not makes or alias[0] in makes):
            return [e for e in vocabulary.models.get(compact(alias[1]), []) if e.make == alias[0]]
        key = compact(phrase)
        if not key:
            return []
        entries = vocabulary.models_of(key, makes)
        if entries:
            return entries
        code = _model_code(key)
        if code:
            make, family = code
            if not makes or make in makes:
                return vocabulary.models_of(f"{family}:family", (make,))
        if makes and len(key) <= 3 and key.isalpha():
            return vocabulary.models_of(f"{key}:family", makes)
        return []

    def add_model(self, entries: list[ModelEntry], makes: tuple[str, ...]) -> None:
        best = entries[0]
        same_name = [e for e in entries if e.model == best.model]
        self.add("model", best.model, best.model if len(same_name) > 1 else f"{best.make} {best.model}")
        if not makes:
            total = sum(e.count for e in same_name)
            if best.count >= DOMINANT_MAKE_SHARE * total:
                self.add("make", best.make, best.make)

    def values(self, param: str) -> tuple[str, ...]:
        return tuple(c.value for c in self.chips if c.param == param)

    # places
    def places(self) -> None:
        """ "corolla 2015 lagos", "hilux au Sénégal": a city or a country where cars stand, as a filter."""
        places = self.vocabulary.places
        longest = max((len(name.split()) for name in places), default=0)
        for length in range(longest, 0, -1):
            for i in range(len(self.tokens) - length + 1):
                found = places.get(self.phrase(i, length)) if self.free(i, length) else None
                if found:
                    self.add(*found)
                    self.take(i, length)

    # attributes
    def attributes(self, shortest: int = 1) -> None:
        longest = max(len(p.split()) for p in ATTRIBUTE_WORDS)
        for length in range(longest, shortest - 1, -1):
            for i in range(len(self.tokens) - length + 1):
                if not self.free(i, length):
                    continue
                found = ATTRIBUTE_WORDS.get(self.phrase(i, length))
                if not found:
                    continue
                param, values = found
                for value in values:
                    self.add(param, value, SHORT_LABELS.get(value, value))
                self.take(i, length)

    def leftover(self) -> str:
        words = [t.raw for t in self.tokens if not t.used and t.folded not in FILLER_WORDS]
        return " ".join(words)


def _is_attribute(phrase: str) -> bool:
    return phrase in ATTRIBUTE_WORDS


def _model_code(key: str) -> tuple[str, str] | None:
    """("BMW", "3") for "330i"; ("Mercedes-Benz", "c") for "c220"."""
    bmw = _BMW_CODE.match(key)
    if bmw and not key.isdigit():
        return "BMW", bmw.group(1)
    mercedes = _MERCEDES_CODE.match(key)
    if mercedes:
        return "Mercedes-Benz", mercedes.group(1)
    return None


def _parse_number(text: str) -> Decimal | None:
    text = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", text):
        text = re.sub(r"[,.]", "", text)
    try:
        return Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None


def _bare_year(folded: str) -> bool:
    return bool(_YEAR.match(folded))


def _looks_like_year(low: tuple, high: tuple) -> bool:
    return low[1] is None and high[1] is None and _bare_year(str(low[0])) and _bare_year(str(high[0]))


def _money(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral() else f"{amount:,.2f}"


def interpret(
    text: str,
    *,
    vocabulary: Vocabulary,
    units_per_usd: Mapping[str, Decimal],
    currency: str = "USD",
    taken: Iterable[str] = (),
    ports: Mapping[str, tuple[str, str]] | None = None,
) -> Interpretation:
    """Read makes, models, prices, years, attribute words, places and a destination port out of `text`.

    Prices become bounds in `currency` (the request's). Parameters in `taken` (sent explicitly by the
    caller) are never overridden: their words stay in the text. `ports`: folded port name, alias or
    code -> (code, name); a price said with a port ("under 15 millions FCFA rendu Dakar") bounds the
    delivered price there.
    """
    parser = _Parser(text, vocabulary, units_per_usd, currency)
    parser.destination(ports or {})
    parser.prices()
    parser.prices_at_port()
    # Phrases first ("pick up" is a body, not Nissan's model "Pick"), single words after the names.
    parser.attributes(shortest=2)
    parser.makes_and_models()
    parser.years()
    # After the vehicle's names: "Santa Fe" is a Hyundai before it is a city.
    parser.places()
    parser.attributes()
    parser.drop({_root(name) for name in taken})
    words = [parser.leftover()]
    if parser.values("model"):
        # The model already says the body, and many listings do not: "corsa hatchback" must not
        # lose every Corsa listed without a body type. The body then ranks, it does not filter.
        words += [chip.value for chip in parser.chips if chip.param == "body"]
        parser.chips = [chip for chip in parser.chips if chip.param != "body"]
    if not parser.chips:
        # Nothing understood: the text is searched as typed (filler words included).
        return Interpretation(applied=True, chips=(), text=text.strip())
    # The port chip leads: it says what the prices after it are.
    chips = sorted(parser.chips, key=lambda chip: CHIP_ORDER.index(chip.param) if chip.param != "port" else -1)
    return Interpretation(applied=True, chips=tuple(chips), text=" ".join(w for w in words if w))


def _root(param: str) -> str:
    return param.removesuffix("_min").removesuffix("_max")


# Chip parameters that select a term facet; the others are range bounds.
TERM_CHIPS = tuple(name for name in CHIP_ORDER if name in TERM_PARAMS)


def interpreted_query(query: VehicleQuery, interpretation: Interpretation, *, units_per_usd: Decimal) -> VehicleQuery:
    """The query with the chips as selections and only the words left as text.

    Chip prices are in the request's currency (`units_per_usd` of it) and become US dollar bounds the
    way the API converts price_min/price_max.
    """
    if not interpretation.applied or not interpretation.chips:
        return query
    terms = dict(query.terms)
    for name in TERM_CHIPS:
        values = interpretation.values(name)
        if values and name not in terms:
            terms[name] = values
    ranges = dict(query.ranges)
    for name in ("year", "price", *PER_PORT_RANGES):
        low, high = (interpretation.values(param) for param in range_params(name))
        if (low or high) and name not in ranges:
            in_currency = BY_NAME[name].range_param.in_currency
            convert = (lambda v: usd_price(Decimal(v), units_per_usd)) if in_currency else int
            ranges[name] = Range(low=convert(low[0]) if low else None, high=convert(high[0]) if high else None)
    # The port the words name wins over a remembered one, unless the caller bounded another port's prices.
    explicit_port_bounds = any(name in query.ranges for name in PER_PORT_RANGES)
    port = interpretation.port if interpretation.port and not explicit_port_bounds else query.port
    return VehicleQuery(
        text=interpretation.text,
        terms=terms,
        ranges=ranges,
        near=query.near,
        text_ranks_only=interpretation.names_vehicle,
        port=port,
    )
