"""Country names in English and French, from the Unicode CLDR (Babel), for ISO 3166-1 alpha-2 codes.

One place for what a country is called: query understanding reads "senegal" or "Sénégal" in a search
as SN, the analysts' filter takes a name or a code, and the pages show a code as its name in the
page's language. Pure: no database, no engine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale

LANGUAGES = ("en", "fr")
_CODE = re.compile(r"^[A-Za-z]{2}$")


def folded(text: str) -> str:
    """Lower case, accents and punctuation away ("Côte d’Ivoire" -> "cote d ivoire")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


@cache
def _territories(language: str) -> dict[str, str]:
    # Two letters only: CLDR also names regions by three digits ("002" Africa).
    return {code: name for code, name in Locale(language).territories.items() if _CODE.match(code)}


@cache
def _codes_by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in _territories(language).items():
            names.setdefault(folded(name), code)
    return names


def country_name(code: str, language: str = "en") -> str:
    """The country's name in `language` ("SN", "fr" -> "Sénégal"); the code itself if unknown."""
    base = (language or "en").split("-")[0].split("_")[0]
    return _territories(base if base in LANGUAGES else "en").get(code.upper(), code)


def country_names(code: str) -> set[str]:
    """Every name of the country in each language the site speaks ("Senegal", "Sénégal")."""
    return {_territories(language)[code] for language in LANGUAGES if code in _territories(language)}


def country_code(text: str) -> str | None:
    """The ISO code a user means by a code or a name in English or French ("Nigeria", "sénégal", "ng")."""
    text = text.strip()
    if _CODE.match(text) and text.upper() in _territories("en"):
        return text.upper()
    return _codes_by_name().get(folded(text))
