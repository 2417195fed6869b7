# ruff: noqa: E501  (sources: titles, addresses and notes are quoted whole)
"""The reference data every database starts with (data migration 0002), each figure with its source.

`checked_on` is the day the figure was read, from a stored copy of the public page named. Figures no
page confirmed are `estimate`: orders of magnitude so the demo prices something, shown as such on the
vehicle page, to be replaced by staff in the admin with a quoted rate. docs/delivery.md lists them.
"""

from __future__ import annotations

from datetime import date

CHECKED = date(2026, 12, 7)

# code, name, aliases, country, country name (en, fr), currency
PORTS = [
    ("NGLOS", "Lagos", "Apapa,Tin Can", "NG", "Nigeria", "Nigéria", "NGN"),
    ("GHTEM", "Tema", "", "GH", "Ghana", "Ghana", "GHS"),
    ("CIABJ", "Abidjan", "", "CI", "Côte d'Ivoire", "Côte d'Ivoire", "XOF"),
    ("SNDKR", "Dakar", "", "SN", "Senegal", "Sénégal", "XOF"),
    ("BJCOO", "Cotonou", "", "BJ", "Benin", "Bénin", "XOF"),
    ("TGLFW", "Lomé", "Lome", "TG", "Togo", "Togo", "XOF"),
    ("CMDLA", "Douala", "", "CM", "Cameroon", "Cameroun", "XAF"),
    ("KEMBA", "Mombasa", "", "KE", "Kenya", "Kenya", "KES"),
    ("TZDAR", "Dar es Salaam", "Dar", "TZ", "Tanzania", "Tanzanie", "TZS"),
    ("ZADUR", "Durban", "", "ZA", "South Africa", "Afrique du Sud", "ZAR"),
]
WEST = ("NGLOS", "GHTEM", "CIABJ", "SNDKR", "BJCOO", "TGLFW", "CMDLA")
EAST = ("KEMBA", "TZDAR")
SOUTH = ("ZADUR",)

# country, region, export port, inland leg USD (all estimates: a yard-to-port truck in that market)
ORIGINS = [
    ("US", "us_east", "Newark", 350),
    ("GB", "uk", "Southampton", 250),
    ("DE", "north_europe", "Bremerhaven", 250),
    ("AU", "australia", "Melbourne", 300),
    ("JP", "japan", "Yokohama", 150),
    ("KE", "east_africa", "Mombasa", 200),
    ("TZ", "east_africa", "Dar es Salaam", 200),
    ("UG", "east_africa", "Mombasa", 900),
    ("RW", "east_africa", "Dar es Salaam", 1200),
    ("ZA", "southern_africa", "Durban", 200),
    ("ZM", "southern_africa", "Durban", 1500),
    ("NG", "west_africa", "Lagos", 150),
    ("GH", "west_africa", "Tema", 150),
    ("CI", "west_africa", "Abidjan", 150),
    ("SN", "west_africa", "Dakar", 150),
    ("CM", "west_africa", "Douala", 150),
]

# region -> {ports: (car, suv)} RoRo USD per vehicle; large = 2.4 x suv. Estimates except below.
_ROUTES = {
    "us_east": {WEST: (1400, 1900), EAST: (2100, 2600), SOUTH: (1900, 2400)},
    "uk": {WEST: (1100, 1450), EAST: (1500, 1900), SOUTH: (1400, 1800)},
    "north_europe": {WEST: (1000, 1350), EAST: (1450, 1850), SOUTH: (1350, 1750)},
    "australia": {WEST: (2400, 3000), EAST: (1700, 2200), SOUTH: (1600, 2100)},
    "japan": {WEST: (1600, 2100), EAST: (1100, 1500), SOUTH: (1200, 1600)},
    "east_africa": {EAST: (400, 550), SOUTH: (900, 1200)},
    "southern_africa": {EAST: (900, 1200), SOUTH: (300, 400)},
    "west_africa": {WEST: (500, 650)},
}
# The routes a public page quotes (secondary: a forwarder's or a guide's indication, not a tariff).
SOURCED_FREIGHT = {
    ("us_east", "NGLOS", "car"): (
        1400,
        "2025 costs breakdown: shipping your vehicle from USA to Nigeria (RoRo Baltimore to Lagos, about $1,400)",
        "https://learnerships.site/article/2025-costs-breakdown-shipping-your-vehicle-from-usa-to-nigeria",
    ),
    ("us_east", "NGLOS", "suv"): (
        1900,
        "The average cost of car shipping to Nigeria (2026: RoRo standard SUV $1,600-2,200, midpoint taken)",
        "https://winenfood.com/the-average-cost-of-car-shipping-to-nigeria",
    ),
}


def freight_rows() -> list[dict]:
    rows = []
    for region, groups in _ROUTES.items():
        for ports, (car, suv) in groups.items():
            for port in ports:
                for size, amount in (("car", car), ("suv", suv), ("large", round(suv * 2.4, -1))):
                    sourced = SOURCED_FREIGHT.get((region, port, size))
                    row = {"region": region, "port_id": port, "size_class": size, "amount_usd": amount}
                    if sourced:
                        row.update(
                            amount_usd=sourced[0], status="secondary", source_title=sourced[1], source_url=sourced[2]
                        )
                    rows.append(row)
    return rows


INSURANCE = {
    "percent": "1.5",
    "minimum_usd": 50,
    "status": "estimate",
    "note": "Marine cover of FOB + freight; a typical broker's rate, not a quote.",
}

_KE_TAX = ("Importing vehicles to Kenya: KRA duties (vismart.co.ke)", "https://vismart.co.ke/?p=706")
_TZ_EXCISE = (
    "Tanzania Revenue Authority: excise duty on motor vehicles",
    "http://tra.go.tz/index.php/excise-duty/241-importation-and-payment-of-duty-on-scheduled-articles",
)
# country: duty, excise, VAT, levies (% as models.ImportTax defines them), status, source, note
TAXES = {
    "KE": (
        25,
        20,
        16,
        2,
        "secondary",
        _KE_TAX,
        "Levies: IDF 2% of CIF as the page gives it; recheck against KRA (IDF and RDL rates have been revised by Finance Acts).",
    ),
    "TZ": (
        25,
        5,
        18,
        0,
        "secondary",
        (
            "Import regulations for used cars in Tanzania (auctionhousejapan.jp)",
            "https://www.auctionhousejapan.jp/tanzania/import-regulations/",
        ),
        "Excise by engine size (0/5/10%): the 1,001-2,000 cc band is assumed, engine size is not read.",
    ),
    "NG": (
        30,
        0,
        5,
        3.5,
        "secondary",
        (
            "Nigeria import regulation for Japan used cars (japanesecartrade.com)",
            "https://info.japanesecartrade.com/content-item/56-nigeria-import-regulation-for-japan-used-cars",
        ),
        "Levies: CISS 1% + NAC 2% + ETLS 0.5%. A shipper's page that may predate later Nigerian tariff changes.",
    ),
    "CI": (
        44.28,
        0,
        0,
        0,
        "secondary",
        (
            "Dédouanement d'un véhicule en Côte d'Ivoire (experts-univers.com)",
            "http://experts-univers.com/dedouanement-toyota-4runner-diesel-1997.html",
        ),
        "The page gives 44.28% of value + freight + insurance for duties and taxes together.",
    ),
    "GH": (20, 0, 15, 5, "estimate", None, ""),
    "SN": (20, 0, 18, 5, "estimate", None, ""),
    "BJ": (20, 0, 18, 3, "estimate", None, ""),
    "TG": (20, 0, 18, 3, "estimate", None, ""),
    "CM": (30, 0, 19.25, 2, "estimate", None, ""),
    "ZA": (25, 0, 15, 0, "estimate", None, "Used cars need an ITAC permit (see the import rule): new cars only."),
}
_GH_PENALTY = (
    "Overaged vehicle penalties, Customs (Management) Act 634 (as reproduced by camerounweb.com)",
    "https://www.camerounweb.com/CameroonHomePage/economy/overaged.penalties.php",
)
# country, older than (years), % , base, status, source
SURCHARGES = [
    ("TZ", 7, 15, "cif_duty", "primary", _TZ_EXCISE),
    ("TZ", 10, 30, "cif_duty", "primary", _TZ_EXCISE),
    ("GH", 10, 5, "cif", "secondary", _GH_PENALTY),
    ("GH", 12, 20, "cif", "secondary", _GH_PENALTY),
    ("GH", 15, 50, "cif", "secondary", _GH_PENALTY),
]

# country, max age, steering, used allowed, status, (title, url), effective from, until, note
RULES = [
    (
        "KE",
        8,
        "rhd",
        True,
        "secondary",
        (
            "The Star: what you need to know about car importation (KEBS notice: RHD only from 1 January 2024; first registered from 1 January 2017 in 2024)",
            "https://www.the-star.co.ke/news/realtime/2023-12-08-explainer-what-you-need-to-know-about-car-importation/",
        ),
        date(2024, 1, 1),
        None,
        "Eight years from the year of first registration (KS 1515:2000); the model year stands in for it.",
    ),
    (
        "CI",
        5,
        "",
        True,
        "secondary",
        (
            "L'âge limite des véhicules d'occasion importés en Côte d'Ivoire (décret n° 2017-792)",
            "https://vroom.ci/lage-limite-des-vehicules-doccasion-importes-en-cote-divoire-quelles-sont-les-regles-en-vigueur/881/",
        ),
        date(2018, 7, 1),
        None,
        "Five years for passenger cars from first registration abroad; seven for light vans up to 5 t, ten for heavy trucks and coaches (the five-year limit is applied to every car here).",
    ),
    (
        "SN",
        8,
        "",
        True,
        "secondary",
        (
            "Interdiction d'importer des véhicules âgés de plus de 8 ans (galsen221.com)",
            "https://galsen221.com/interdiction-dimporter-des-vehicules-ages-de-8-ans-macky-sall-va-signer-le-decret-dans-des-prochains-jours",
        ),
        date(2020, 1, 1),
        date(2025, 10, 24),
        "The start of the eight-year rule is not dated in the source; 2020-01-01 stands in.",
    ),
    (
        "SN",
        10,
        "",
        True,
        "secondary",
        (
            "Le Sénégal fixe l'âge limite des véhicules à 10 ans pour les voitures (décret du 24 octobre 2025)",
            "https://wassarenews.com/2025/11/le-senegal-fixe-lage-limite-des-vehicules-a-10-ans-pour-les-voitures-et-15-ans-pour-les-camions/",
        ),
        date(2025, 10, 24),
        None,
        "Ten years for private cars and light utility vehicles, fifteen for trucks.",
    ),
    (
        "GH",
        None,
        "lhd",
        True,
        "secondary",
        (
            "Customs allowing importation of prohibited right-hand drive vehicles (Act 634, s. 89D)",
            "https://www.adomonline.com/customs-allowing-importation-of-prohibited-right-hand-drive-vehicles-video/",
        ),
        date(2020, 1, 1),
        None,
        "Right-hand drive prohibited unless the Minister authorises it; cars over ten years pay penalties (age surcharges) rather than being refused.",
    ),
    (
        "NG",
        15,
        "lhd",
        True,
        "secondary",
        (
            "Age restrictions for export: Nigeria (ghanemforwarding.com); left-hand drive only (unetworld.com)",
            "https://www.ghanemforwarding.com/shipping-port-info/age-restrictions-for-export/",
        ),
        date(2020, 1, 1),
        None,
        "No used car above fifteen years from its year of manufacture.",
    ),
    (
        "TZ",
        None,
        "rhd",
        True,
        "secondary",
        (
            "Import regulations for used Japanese cars in Tanzania (auctionhousejapan.jp)",
            "https://www.auctionhousejapan.jp/tanzania/import-regulations/",
        ),
        date(2020, 1, 1),
        None,
        "No age limit; cars of eight years and more pay extra excise (age surcharges).",
    ),
    (
        "ZA",
        None,
        "rhd",
        False,
        "secondary",
        (
            "SAPS on illegal import of second-hand vehicles (gov.za): ITAC permit required",
            "https://www.gov.za/news/south-african-police-service-illegal-import-second-hand-vehicles-27-mar-2007",
        ),
        date(2020, 1, 1),
        None,
        "Used cars only with an ITAC permit (returning residents, immigrants): refused here. Left-hand drive cars made after 2000 get no Letter of Authority (simbashipping.com).",
    ),
    (
        "BJ",
        None,
        "",
        True,
        "secondary",
        (
            "Age restrictions for export: Benin, no restriction (belgaco-shipping.com, 2018)",
            "https://www.belgaco-shipping.com/age-restrictions",
        ),
        date(2020, 1, 1),
        None,
        "",
    ),
    (
        "TG",
        None,
        "",
        True,
        "secondary",
        (
            "Age restrictions for export: Togo, no restriction (ghanemforwarding.com)",
            "https://www.ghanemforwarding.com/shipping-port-info/age-restrictions-for-export/",
        ),
        date(2020, 1, 1),
        None,
        "",
    ),
    (
        "CM",
        None,
        "",
        True,
        "secondary",
        (
            "Age restrictions for export: Cameroun, no restriction (belgaco-shipping.com, 2018)",
            "https://www.belgaco-shipping.com/age-restrictions",
        ),
        date(2020, 1, 1),
        None,
        "",
    ),
]


def load(apps) -> None:
    """Insert the rows above (a data migration's apps, or the real registry in tests)."""
    model = apps.get_model
    Port = model("delivery", "Port")
    Port.objects.bulk_create(
        [
            Port(code=c, name=n, aliases=a, country=k, country_name=en, country_name_fr=fr, currency=cur)
            for c, n, a, k, en, fr, cur in PORTS
        ],
        ignore_conflicts=True,
    )
    common = {"checked_on": CHECKED, "effective_from": date(2020, 1, 1)}
    model("delivery", "ExportOrigin").objects.bulk_create(
        [
            model("delivery", "ExportOrigin")(
                country=c, region=r, export_port=p, inland_usd=i, status="estimate", **common
            )
            for c, r, p, i in ORIGINS
        ]
    )
    Freight = model("delivery", "FreightRate")
    Freight.objects.bulk_create([Freight(**{"status": "estimate", **common, **row}) for row in freight_rows()])
    model("delivery", "InsuranceRate").objects.create(**INSURANCE, **common)
    Tax = model("delivery", "ImportTax")
    taxes = []
    for country, (duty, excise, vat, levies, status, source, note) in TAXES.items():
        title, url = source or ("", "")
        taxes.append(
            Tax(
                country=country,
                duty_percent=duty,
                excise_percent=excise,
                vat_percent=vat,
                levies_percent=levies,
                status=status,
                source_title=title,
                source_url=url,
                note=note,
                **common,
            )
        )
    Tax.objects.bulk_create(taxes)
    Surcharge = model("delivery", "AgeSurcharge")
    Surcharge.objects.bulk_create(
        [
            Surcharge(
                country=c, older_than_years=y, percent=p, base=b, status=s, source_title=t, source_url=u, **common
            )
            for c, y, p, b, s, (t, u) in SURCHARGES
        ]
    )
    Rule = model("delivery", "ImportRule")
    Rule.objects.bulk_create(
        [
            Rule(
                country=c,
                max_age_years=age,
                steering=steer,
                used_allowed=used,
                status=s,
                source_title=t,
                source_url=u,
                checked_on=CHECKED,
                effective_from=start,
                effective_until=until,
                note=note,
            )
            for c, age, steer, used, s, (t, u), start, until, note in RULES
        ]
    )
