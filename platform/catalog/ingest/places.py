"""Approximate coordinates for the regions the sources name, so dealers can be found by distance.

The sources give a state, a suburb and state, or a postal code, never coordinates. A region's
centroid is coarse, but it puts a dealer in the right part of the right country, which is what a
"near me" filter across continents needs; a dealer can correct its own location later.
"""

from __future__ import annotations

# code: (name, latitude, longitude) - geographic centres, rounded.
US_STATES: dict[str, tuple[str, float, float]] = {
    "AL": ("Alabama", 32.8, -86.8),
    "AK": ("Alaska", 64.0, -152.0),
    "AZ": ("Arizona", 34.3, -111.7),
    "AR": ("Arkansas", 34.9, -92.4),
    "CA": ("California", 37.2, -119.5),
    "CO": ("Colorado", 39.0, -105.5),
    "CT": ("Connecticut", 41.6, -72.7),
    "DE": ("Delaware", 39.0, -75.5),
    "DC": ("District of Columbia", 38.9, -77.0),
    "FL": ("Florida", 28.6, -82.4),
    "GA": ("Georgia", 32.7, -83.4),
    "HI": ("Hawaii", 20.8, -156.3),
    "ID": ("Idaho", 44.4, -114.6),
    "IL": ("Illinois", 40.0, -89.2),
    "IN": ("Indiana", 39.9, -86.3),
    "IA": ("Iowa", 42.1, -93.5),
    "KS": ("Kansas", 38.5, -98.4),
    "KY": ("Kentucky", 37.5, -85.3),
    "LA": ("Louisiana", 31.1, -92.0),
    "ME": ("Maine", 45.4, -69.2),
    "MD": ("Maryland", 39.0, -76.8),
    "MA": ("Massachusetts", 42.3, -71.8),
    "MI": ("Michigan", 44.3, -85.4),
    "MN": ("Minnesota", 46.3, -94.3),
    "MS": ("Mississippi", 32.7, -89.7),
    "MO": ("Missouri", 38.4, -92.5),
    "MT": ("Montana", 47.0, -109.6),
    "NE": ("Nebraska", 41.5, -99.8),
    "NV": ("Nevada", 39.3, -116.6),
    "NH": ("New Hampshire", 43.7, -71.6),
    "NJ": ("New Jersey", 40.2, -74.7),
    "NM": ("New Mexico", 34.4, -106.1),
    "NY": ("New York", 42.9, -75.5),
    "NC": ("North Carolina", 35.6, -79.4),
    "ND": ("North Dakota", 47.5, -100.5),
    "OH": ("Ohio", 40.3, -82.8),
    "OK": ("Oklahoma", 35.6, -97.5),
    "OR": ("Oregon", 43.9, -120.6),
    "PA": ("Pennsylvania", 40.9, -77.8),
    "RI": ("Rhode Island", 41.7, -71.5),
    "SC": ("South Carolina", 33.9, -80.9),
    "SD": ("South Dakota", 44.4, -100.2),
    "TN": ("Tennessee", 35.9, -86.4),
    "TX": ("Texas", 31.5, -99.3),
    "UT": ("Utah", 39.3, -111.7),
    "VT": ("Vermont", 44.1, -72.7),
    "VA": ("Virginia", 37.5, -78.9),
    "WA": ("Washington", 47.4, -120.5),
    "WV": ("West Virginia", 38.6, -80.6),
    "WI": ("Wisconsin", 44.6, -89.9),
    "WY": ("Wyoming", 43.0, -107.6),
}
US_STATE_BY_NAME = {name.lower(): code for code, (name, _, _) in US_STATES.items()}

AU_STATES: dict[str, tuple[str, float, float]] = {
    # Most listings sit in the capitals' metro areas, so the capital is a better guess than the centre.
    "NSW": ("New South Wales", -33.87, 151.21),
    "VIC": ("Victoria", -37.81, 144.96),
    "QLD": ("Queensland", -27.47, 153.03),
    "WA": ("Western Australia", -31.95, 115.86),
    "SA": ("South Australia", -34.93, 138.60),
    "TAS": ("Tasmania", -42.88, 147.33),
    "ACT": ("Australian Capital Territory", -35.28, 149.13),
    "NT": ("Northern Territory", -12.46, 130.84),
}

# German postal zones (first digit of the Postleitzahl): the zone's main city.
DE_POSTAL_ZONES: dict[str, tuple[str, float, float]] = {
    "0": ("Dresden / Leipzig", 51.2, 13.1),
    "1": ("Berlin", 52.52, 13.40),
    "2": ("Hamburg", 53.55, 10.0),
    "3": ("Hannover", 52.37, 9.74),
    "4": ("Düsseldorf / Ruhr", 51.35, 7.0),
    "5": ("Köln / Bonn", 50.8, 7.0),
    "6": ("Frankfurt am Main", 50.11, 8.68),
    "7": ("Stuttgart", 48.78, 9.18),
    "8": ("München", 48.14, 11.58),
    "9": ("Nürnberg", 49.45, 11.08),
}

# Countries: (name, latitude, longitude of the main car-trading city, city, currency).
COUNTRIES: dict[str, tuple[str, float, float, str, str]] = {
    "US": ("United States", 39.8, -98.6, "", "USD"),
    "AU": ("Australia", -25.3, 133.8, "", "AUD"),
    "GB": ("United Kingdom", 52.48, -1.90, "", "GBP"),
    "DE": ("Germany", 51.2, 10.4, "", "EUR"),
    "KE": ("Kenya", -4.04, 39.67, "Mombasa", "KES"),
    "TZ": ("Tanzania", -6.79, 39.21, "Dar es Salaam", "TZS"),
    "UG": ("Uganda", 0.35, 32.58, "Kampala", "UGX"),
    "NG": ("Nigeria", 6.52, 3.38, "Lagos", "NGN"),
    "GH": ("Ghana", 5.60, -0.19, "Accra", "GHS"),
    "ZA": ("South Africa", -26.20, 28.05, "Johannesburg", "ZAR"),
    "CM": ("Cameroon", 4.05, 9.70, "Douala", "XAF"),
    "SN": ("Senegal", 14.72, -17.47, "Dakar", "XOF"),
    "CI": ("Côte d'Ivoire", 5.36, -4.01, "Abidjan", "XOF"),
    "RW": ("Rwanda", -1.95, 30.06, "Kigali", "RWF"),
    "ZM": ("Zambia", -15.39, 28.32, "Lusaka", "ZMW"),
}

# More trading cities per country, for spreading generated dealers: (city, latitude, longitude).
CITIES: dict[str, list[tuple[str, float, float]]] = {
    "KE": [("Mombasa", -4.04, 39.67), ("Nairobi", -1.29, 36.82), ("Kisumu", -0.09, 34.77), ("Nakuru", -0.30, 36.07)],
    "TZ": [("Dar es Salaam", -6.79, 39.21), ("Arusha", -3.39, 36.68), ("Mwanza", -2.52, 32.90)],
    "UG": [("Kampala", 0.35, 32.58), ("Entebbe", 0.05, 32.46), ("Jinja", 0.44, 33.20)],
    "NG": [("Lagos", 6.52, 3.38), ("Abuja", 9.08, 7.40), ("Port Harcourt", 4.82, 7.05), ("Kano", 12.00, 8.52)],
    "GH": [("Accra", 5.60, -0.19), ("Tema", 5.67, -0.02), ("Kumasi", 6.69, -1.62)],
    "ZA": [
        ("Johannesburg", -26.20, 28.05),
        ("Durban", -29.86, 31.02),
        ("Cape Town", -33.92, 18.42),
        ("Pretoria", -25.75, 28.19),
    ],
    "CM": [("Douala", 4.05, 9.70), ("Yaoundé", 3.87, 11.52)],
    "SN": [("Dakar", 14.72, -17.47), ("Thiès", 14.79, -16.93)],
    "CI": [("Abidjan", 5.36, -4.01), ("Bouaké", 7.69, -5.03)],
    "RW": [("Kigali", -1.95, 30.06)],
    "ZM": [("Lusaka", -15.39, 28.32), ("Ndola", -12.97, 28.64)],
    "US": [
        ("Houston", 29.76, -95.37),
        ("Newark", 40.74, -74.17),
        ("Baltimore", 39.29, -76.61),
        ("Savannah", 32.08, -81.09),
        ("Los Angeles", 34.05, -118.24),
        ("Jacksonville", 30.33, -81.66),
    ],
    "GB": [
        ("Southampton", 50.91, -1.40),
        ("London", 51.51, -0.13),
        ("Manchester", 53.48, -2.24),
        ("Birmingham", 52.48, -1.90),
    ],
    "DE": [
        ("Hamburg", 53.55, 10.0),
        ("Bremerhaven", 53.54, 8.58),
        ("Berlin", 52.52, 13.40),
        ("München", 48.14, 11.58),
        ("Köln", 50.94, 6.96),
    ],
    "AU": [
        ("Sydney", -33.87, 151.21),
        ("Melbourne", -37.81, 144.96),
        ("Brisbane", -27.47, 153.03),
        ("Perth", -31.95, 115.86),
    ],
}
