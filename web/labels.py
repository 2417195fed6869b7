"""Words the pages show for facet names and stored values (the index keeps English codes like 'suv')."""

from django.utils.translation import gettext_lazy as _

FACET_TITLES = {
    "q": _("Text"),
    "make": _("Make"),
    "model": _("Model"),
    "body": _("Body"),
    "fuel": _("Fuel"),
    "transmission": _("Transmission"),
    "drivetrain": _("Drivetrain"),
    "condition": _("Condition"),
    "colour": _("Colour"),
    "country": _("Country"),
    "city": _("City"),
    "dealer": _("Dealer"),
    "status": _("Status"),
    "price": _("Price"),
    "year": _("Year"),
    "mileage": _("Mileage"),
}

VALUES = {
    "body": {
        "sedan": _("Sedan"),
        "suv": _("SUV"),
        "pickup": _("Pickup"),
        "hatchback": _("Hatchback"),
        "van": _("Van"),
        "wagon": _("Estate"),
        "coupe": _("Coupé"),
        "convertible": _("Convertible"),
        "minivan": _("Minivan"),
        "truck": _("Truck"),
        "bus": _("Bus"),
    },
    "fuel": {
        "petrol": _("Petrol"),
        "diesel": _("Diesel"),
        "hybrid": _("Hybrid"),
        "electric": _("Electric"),
        "lpg": _("LPG"),
        "plug-in hybrid": _("Plug-in hybrid"),
    },
    "transmission": {"automatic": _("Automatic"), "manual": _("Manual"), "cvt": _("CVT")},
    "drivetrain": {
        "fwd": _("Front-wheel drive"),
        "rwd": _("Rear-wheel drive"),
        "awd": _("All-wheel drive"),
        "4wd": _("4x4"),
    },
    "condition": {"new": _("New"), "used": _("Used"), "certified": _("Certified"), "demo": _("Demo")},
    "colour": {
        "white": _("White"),
        "black": _("Black"),
        "silver": _("Silver"),
        "blue": _("Blue"),
        "red": _("Red"),
        "grey": _("Grey"),
        "green": _("Green"),
    },
    "status": {"available": _("Available"), "reserved": _("Reserved"), "sold": _("Sold"), "withdrawn": _("Withdrawn")},
}

SORT_LABELS = {
    "relevance": _("Best match"),
    "newest": _("Newest"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "year_desc": _("Year: newest first"),
    "year_asc": _("Year: oldest first"),
    "mileage_asc": _("Mileage: lowest first"),
    "mileage_desc": _("Mileage: highest first"),
}


def value_label(facet: str, value) -> str:
    known = VALUES.get(facet, {})
    text = str(value)
    return str(known.get(text.casefold(), text if facet in ("make", "model", "city", "country") else text.capitalize()))


# The reasons search.similar gives, in the page's language (others are shown as given).
REASONS = {
    "Same body type": _("Same body type"),
    "Same make": _("Same make"),
    "Same model": _("Same model"),
    "Same year": _("Same year"),
    "Similar description": _("Similar description"),
    "Similar price (±10%)": _("Similar price (±10%)"),
    "Similar price (±20%)": _("Similar price (±20%)"),
    "Within 1 year": _("Within 1 year"),
    "Within 2 years": _("Within 2 years"),
    "Within 3 years": _("Within 3 years"),
}


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))
