"""Makes and models: one display spelling per make, one canonical form per model.

The sources spell the same car many ways ("mercedes_benz", "Mercedes-Benz", "mercedes"; "c_klasse",
"C Class", "C-Class C 300", "C200"). Search facets and the generator's distribution are only useful
if they all land on the same value, so these rules are deliberately conservative: an explicit table
where the sources disagree, a casing rule everywhere else.
"""

from __future__ import annotations

import re

# Lookup key -> display spelling. Keys are lower case with "_" and "-" turned into spaces.
MAKE_ALIASES: dict[str, str] = {
    "mercedes benz": "Mercedes-Benz",
    "mercedes": "Mercedes-Benz",
    "merc": "Mercedes-Benz",
    "benz": "Mercedes-Benz",
    "mb": "Mercedes-Benz",
    "vw": "Volkswagen",
    "volkswagen": "Volkswagen",
    "land rover": "Land Rover",
    "landrover": "Land Rover",
    "alfa romeo": "Alfa Romeo",
    "aston martin": "Aston Martin",
    "great wall": "Great Wall",
    "rolls royce": "Rolls-Royce",
    "mclaren": "McLaren",
    "ssangyong": "SsangYong",
    "ssanyong": "SsangYong",
    "chevy": "Chevrolet",
    "kia": "Kia",
    "infiniti": "Infiniti",
    "ram": "Ram",
    "mini": "MINI",
    "fiat": "Fiat",
    "seat": "SEAT",
    "smart": "Smart",
    "citroen": "Citroen",
    "skoda": "Skoda",
    "hyundi": "Hyundai",
    "bmw": "BMW",
    "gmc": "GMC",
    "mg": "MG",
    "gwm": "GWM",
    "ldv": "LDV",
    "hsv": "HSV",
    "fpv": "FPV",
    "byd": "BYD",
    "dkw": "DKW",
}
# Makes a title may start with when the make column says "other" (the German "sonstige_autos").
KNOWN_MAKES = set(MAKE_ALIASES.values()) | {
    "Abarth",
    "Acura",
    "Audi",
    "Bentley",
    "Buick",
    "Cadillac",
    "Chery",
    "Chevrolet",
    "Chrysler",
    "Cupra",
    "Dacia",
    "Daewoo",
    "Daihatsu",
    "Datsun",
    "Dodge",
    "Ferrari",
    "Ford",
    "Genesis",
    "Haval",
    "Hino",
    "Holden",
    "Honda",
    "Hummer",
    "Hyundai",
    "Isuzu",
    "Iveco",
    "Jaguar",
    "Jeep",
    "Kia",
    "Lada",
    "Lamborghini",
    "Lancia",
    "Lexus",
    "Lincoln",
    "Lotus",
    "Mahindra",
    "Maserati",
    "Mazda",
    "Mercury",
    "Mitsubishi",
    "Nissan",
    "Opel",
    "Peugeot",
    "Pontiac",
    "Polestar",
    "Porsche",
    "Proton",
    "Renault",
    "Rover",
    "Saab",
    "Saturn",
    "Scion",
    "Subaru",
    "Suzuki",
    "Tata",
    "Tesla",
    "Toyota",
    "Trabant",
    "Vauxhall",
    "Volvo",
    "Wartburg",
}
# The first word of a two-word make, as some sources cut it ("Land" + model "Rover Range Rover").
TWO_WORD_MAKES = {key.split()[0]: key for key in MAKE_ALIASES if " " in key and key != "mercedes benz"}
# Values that say "some other make": the make must come from the listing's title instead.
UNKNOWN_MAKES = {"sonstige autos", "andere", "other", "others", "nan", ""}


def make_key(raw: str) -> str:
    return re.sub(r"[\s_\-]+", " ", raw.strip().lower())


def canonical_make(raw: str) -> str | None:
    """The display spelling of a make, or None when the value names no make."""
    key = make_key(raw)
    if key in UNKNOWN_MAKES:
        return None
    if key in MAKE_ALIASES:
        return MAKE_ALIASES[key]
    return " ".join(word.upper() if len(word) <= 3 else word.capitalize() for word in key.split())


def join_split_make(make_raw: str, model_text: str) -> tuple[str, str]:
    """Re-join a two-word make that a source split into make and model ("Land", "Rover Discovery")."""
    key = make_key(make_raw)
    words = model_text.split()
    if key in TWO_WORD_MAKES and words and f"{key} {make_key(words[0])}" == TWO_WORD_MAKES[key]:
        return f"{make_raw} {words[0]}", " ".join(words[1:])
    return make_raw, model_text


# --- models --------------------------------------------------------------------------------

# Model spellings the casing rule below would get wrong, keyed by lower case.
MODEL_DISPLAY: dict[str, str] = {
    "rav4": "RAV4",
    "rav": "RAV4",
    "rav 4": "RAV4",
    "hiace": "HiAce",
    "landcruiser": "Land Cruiser",
    "land cruiser": "Land Cruiser",
    "ecosport": "EcoSport",
    "c-max": "C-MAX",
    "b-max": "B-MAX",
    "s-max": "S-MAX",
    "grand c-max": "Grand C-MAX",
    "c max": "C-MAX",
    "s max": "S-MAX",
    "ka": "Ka",
    "ka+": "Ka+",
    "up": "up!",
    "i10": "i10",
    "i20": "i20",
    "i30": "i30",
    "i40": "i40",
    "i800": "i800",
    "ix20": "ix20",
    "ix35": "ix35",
    "i3": "i3",
    "i8": "i8",
    "ix": "iX",
    "iq": "iQ",
    "c-hr": "C-HR",
    "t-roc": "T-Roc",
    "t-cross": "T-Cross",
    "x-trail": "X-Trail",
    "x trail": "X-Trail",
    "4runner": "4Runner",
    "ptcruiser": "PT Cruiser",
    "pt cruiser": "PT Cruiser",
    "kaefer": "Beetle",
    "santa": "Santa Fe",
    "santa fe": "Santa Fe",
    "rangerover": "Range Rover",
    "range rover": "Range Rover",
    "range rover sport": "Range Rover Sport",
    "range rover evoque": "Range Rover Evoque",
    "fox": "Fox",
    "eos": "Eos",
    "rio": "Rio",
    "mii": "Mii",
    "one": "One",
    "ion": "Ion",
    "leaf": "Leaf",
    "mx-5": "MX-5",
    "cx-5": "CX-5",
    "proace verso": "Proace Verso",
    "verso-s": "Verso-S",
    "mokka x": "Mokka X",
    "e-pace": "E-Pace",
    "f-pace": "F-Pace",
    "i-pace": "I-Pace",
    "f-type": "F-Type",
    "mustang mach-e": "Mustang Mach-E",
    "cr-v": "CR-V",
    "hr-v": "HR-V",
    "wr-v": "WR-V",
    "br-v": "BR-V",
    "crv": "CR-V",
    "hrv": "HR-V",
    "cx30": "CX-30",
    "mx5": "MX-5",
    "rx8": "RX-8",
    "trailblazer": "Trailblazer",
    "granturismo": "GranTurismo",
    "mito": "MiTo",
    "ute": "Ute",
    "sx4": "SX4",
    "fortwo": "Fortwo",
    "mr": "MR",
    "streetka": "Streetka",
    "mx": "MX",
    "xc": "XC",
    "crx": "CRX",
    "gtv": "GTV",
}

# Free text in which model and trim run together ("Grand Cherokee Limited 4x4"): the model names
# of more than one word, per make, longest first.
MULTIWORD_MODELS: dict[str, list[str]] = {
    "Jeep": ["grand cherokee", "grand wagoneer", "grand commander"],
    "Tesla": ["model 3", "model s", "model x", "model y"],
    "Land Rover": ["range rover sport", "range rover evoque", "range rover velar", "range rover", "discovery sport"],
    "Toyota": ["land cruiser", "corolla cross", "yaris cross", "grand highlander", "proace verso"],
    "Hyundai": ["santa fe", "santa cruz"],
    "Ford": [
        "grand c-max",
        "grand tourneo connect",
        "tourneo connect",
        "tourneo custom",
        "transit custom",
        "transit connect",
        "transit tourneo",
        "mustang mach-e",
    ],
    "Chrysler": ["town & country", "grand voyager"],
    "Dodge": ["grand caravan"],
    "Volkswagen": ["golf sv", "tiguan allspace", "caddy maxi life", "caddy maxi", "caddy life"],
    "Vauxhall": ["mokka x", "crossland x", "grandland x", "combo life", "zafira tourer"],
    "Skoda": ["yeti outdoor"],
    "Suzuki": ["grand vitara"],
    "Mitsubishi": ["eclipse cross", "pajero sport"],
    "Alfa Romeo": ["giulia quadrifoglio"],
}
# Pickups whose load rating is part of the model name ("Silverado 1500", "Sierra 2500HD").
HEAVY_DUTY = re.compile(r"^[123]500(HD)?$", re.I)

MERCEDES_FAMILIES = "CLA|CLS|CLK|CLC|GLA|GLB|GLC|GLE|GLK|GLS|SLK|SLC|SLR|SLS|CL|GL|ML|SL|A|B|C|E|G|M|R|S|V|X"
# "C Class", "c_klasse", "SL CLASS", "E-Class" and codes such as "C200", "GLC 250", "ML350", "E 350".
MERCEDES_CLASS = re.compile(rf"^({MERCEDES_FAMILIES})[\s_\-]?(CLASS|KLASSE)$", re.I)
MERCEDES_CODE = re.compile(rf"^({MERCEDES_FAMILIES})\s?-?(\d{{2,3}}[A-Z]*)$", re.I)
MERCEDES_BARE = re.compile(r"^(CLA|CLS|CLK|CLC|GLA|GLB|GLC|GLE|GLK|GLS|SLK|SLC|CL|GL|ML|SL)$", re.I)
# BMW: "3 Series", "3er", "3_reihe", "3", and model codes "330i", "330 i", "M340i", "120D".
BMW_SERIES = re.compile(r"^(\d)(\s?SERIES|ER|[\s_]REIHE)?$", re.I)
BMW_CODE = re.compile(r"^M?(\d)\d\d[A-Z]{0,2}$", re.I)


def _case_token(token: str) -> str:
    if token.lower() in MODEL_DISPLAY:
        return MODEL_DISPLAY[token.lower()]
    if not (token.islower() or token.isupper()):
        return token  # the source chose a mixed spelling ("EcoSport"): trust it
    if any(ch.isdigit() for ch in token):
        return token.upper()
    parts = token.split("-")
    return "-".join(p.upper() if len(p) <= (2 if len(parts) > 1 else 3) else p.capitalize() for p in parts)


def case_model(model: str) -> str:
    """Canonical casing: "golf" -> "Golf", "SL CLASS" -> "SL Class", "a4" -> "A4", "GTC" stays."""
    model = " ".join(model.split())
    if model.lower() in MODEL_DISPLAY:
        return MODEL_DISPLAY[model.lower()]
    return " ".join(_case_token(token) for token in model.split())


def _family_model(make: str, tokens: list[str]) -> tuple[str, int, bool] | None:
    """(model, tokens used, whether they were a variant code) for makes named by family, else None.

    A variant code ("C200", "330i") says more than the family, so the caller keeps it in the trim.
    """
    if make == "Mercedes-Benz":
        for n in (2, 1):
            text = " ".join(tokens[:n])
            if len(tokens) < n:
                continue
            if match := MERCEDES_CLASS.match(text):
                return _mercedes_class(match.group(1)), n, False
            if match := MERCEDES_BARE.match(text):
                return _mercedes_class(match.group(1)), n, False
            if match := MERCEDES_CODE.match(text):
                return _mercedes_class(match.group(1)), n, True
    if make == "BMW":
        for n in (2, 1):
            text = " ".join(tokens[:n])
            if len(tokens) < n:
                continue
            if match := BMW_SERIES.match(text):
                return f"{match.group(1)} Series", n, False
            if n == 1 and (match := BMW_CODE.match(text)):
                return f"{match.group(1)} Series", n, True
    return None


def _mercedes_class(family: str) -> str:
    family = family.upper()
    return "M-Class" if family == "ML" else f"{family}-Class"


def split_model_trim(make: str, text: str) -> tuple[str, str]:
    """Split free text such as "Grand Cherokee Limited 4x4" into (model, trim)."""
    tokens = text.replace("_", " ").split()
    if not tokens:
        return "", ""
    if make == "Mercedes-Benz" and tokens[0].upper() == "AMG" and len(tokens) > 1:
        family = _family_model(make, tokens[1:])
        if family:  # "AMG GLE 53": an AMG variant of the GLE; the trim keeps the AMG name
            return family[0], " ".join(tokens)
    family = _family_model(make, tokens)
    if family:
        model, used, is_code = family
        return model, " ".join(tokens if is_code else tokens[used:])
    lowered = " ".join(tokens).lower()
    for name in MULTIWORD_MODELS.get(make, ()):
        if lowered == name or lowered.startswith(name + " "):
            used = len(name.split())
            return case_model(" ".join(tokens[:used])), " ".join(tokens[used:])
    used = 2 if len(tokens) > 1 and HEAVY_DUTY.match(tokens[1]) else 1
    return case_model(" ".join(tokens[:used])), " ".join(tokens[used:])


def canonical_model(make: str, raw: str) -> str:
    """The canonical model for a value that holds only a model ("c_klasse", " 3 Series", "golf")."""
    text = " ".join(raw.replace("_", " ").split())
    family = _family_model(make, text.split())
    if family and family[1] == len(text.split()):
        return family[0]
    return case_model(text)


def strip_make_prefix(make: str, tokens: list[str]) -> list[str] | None:
    """The tokens after a leading make ("VW Golf 1.6" -> ["Golf", "1.6"]), or None if none leads."""
    for n in (3, 2, 1):
        key = make_key(" ".join(tokens[:n]))
        if len(tokens) > n and (MAKE_ALIASES.get(key) == make or key == make_key(make)):
            return tokens[n:]
    return None


def model_from_title(make: str, title: str) -> tuple[str, str] | None:
    """(model, trim) from a title that starts with the make ("2017 Land Rover Range Rover Evoque TD4")."""
    tokens = re.split(r"[\s_]+", title.strip())
    if tokens and re.fullmatch(r"(19|20)\d\d", tokens[0]):
        tokens = tokens[1:]
    rest = strip_make_prefix(make, tokens)
    if not rest or not re.search(r"[A-Za-z0-9]", rest[0]):
        return None
    return split_model_trim(make, " ".join(rest))
