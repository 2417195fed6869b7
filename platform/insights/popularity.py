"""What counts as a popular search, for typeahead and for the zero-result page: one rule, which one actor
cannot meet alone.

An anonymous session costs nothing (clear the cookie), so sessions never count as people. A query is
popular over the window when it was searched at least POPULAR_MIN_SEARCHES times, on at least
POPULAR_MIN_DAYS different days, and either by POPULAR_MIN_BUYERS different signed-in accounts or from
POPULAR_MIN_NETWORKS different networks (a keyed hash of the address's /24 or /48, see `network_key`).
Text that carries a web address, an e-mail address or a phone number is never popular, and neither
is anything staff blocked (BlockedQuery): the block list is read by the same SQL, so it applies the
moment it is saved.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from datetime import datetime

from django.conf import settings
from django.db import connection

POPULAR_MIN_SEARCHES = 5
POPULAR_MIN_DAYS = 2
POPULAR_MIN_BUYERS = 3
POPULAR_MIN_NETWORKS = 3

# A network is an IPv4 /24 or an IPv6 /48: what one household, office or carrier gateway holds.
IPV4_PREFIX = 24
IPV6_PREFIX = 48

POPULAR_QUERIES_SQL = """
SELECT l.normalized_query,
       COUNT(*) AS searches,
       (ARRAY_AGG(l.result_count ORDER BY l.searched_at DESC))[1] AS last_count
  FROM insights_searchlog l
 WHERE l.endpoint = 'vehicles' AND l.page = 1 AND l.normalized_query <> '' AND l.searched_at >= %(since)s
   AND NOT EXISTS (
       SELECT 1 FROM insights_blockedquery b
        WHERE strpos(' ' || l.normalized_query || ' ', ' ' || b.phrase || ' ') > 0
   )
 GROUP BY l.normalized_query
HAVING COUNT(*) >= %(min_searches)s
   AND COUNT(DISTINCT (l.searched_at AT TIME ZONE 'UTC')::date) >= %(min_days)s
   AND (COUNT(DISTINCT l.user_id) >= %(min_buyers)s OR COUNT(DISTINCT NULLIF(l.network, '')) >= %(min_networks)s)
   AND (NOT %(found_only)s OR (ARRAY_AGG(l.result_count ORDER BY l.searched_at DESC))[1] > 0)
 ORDER BY searches DESC, l.normalized_query
"""

_WEB_ADDRESS = re.compile(
    r"""(?:[a-z][a-z0-9+.-]*://)          # a scheme
      | \bwww\d?\.                        # www.
      | \b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2,24})\b(?!\.\d)  # a dotted name ending in letters
      | \b[a-z0-9-]+\s*(?:\[\.\]|\(\.\)|\s+dot\s+)\s*(?:com|net|org|info|biz|io|co|me|xyz|[a-z]{2})\b
    """,
    re.VERBOSE,
)
_EMAIL = re.compile(r"@|\bat\s+[a-z0-9-]+\s*(?:\.|dot)\s*[a-z]{2,}")
# Digits with the separators phone numbers are written with; a year range ("2012 2015") is not one.
_DIGIT_RUN = re.compile(r"\+?\d[\d\s().\-/]*\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
PHONE_MIN_DIGITS = 7


def carries_contact(text: str) -> bool:
    """True when `text` holds a web address, an e-mail address or a phone number. Pure."""
    lowered = text.casefold()
    if _WEB_ADDRESS.search(lowered) or _EMAIL.search(lowered):
        return True
    for run in _DIGIT_RUN.finditer(lowered):
        groups = re.findall(r"\d+", run.group())
        # Years at either end belong to the query ("2015 150000 km", "2012 2015"), not to a number.
        while groups and _YEAR.fullmatch(groups[0]):
            groups.pop(0)
        while groups and _YEAR.fullmatch(groups[-1]):
            groups.pop()
        if sum(map(len, groups)) >= PHONE_MIN_DIGITS:
            return True
    return False


def blocked_by(text: str, phrases: list[str]) -> bool:
    """True when `text` (normalised) holds one of the blocked phrases as whole words: the SQL's rule."""
    padded = f" {text} "
    return any(f" {phrase} " in padded for phrase in phrases)


def network_key(address: str) -> str:
    """A keyed hash of the network an address belongs to ("" for no or a malformed address): counts
    distinct networks without storing anyone's address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"search-network:{network}".encode(), hashlib.sha256).hexdigest()[:24]


def popular_queries(*, since: datetime, limit: int, found_only: bool = False) -> list[tuple[str, int, int]]:
    """(normalised query, searches, results of its last search), most searched first, under the rule
    above; `found_only`: only queries whose last search found vehicles."""
    params = {
        "since": since,
        "min_searches": POPULAR_MIN_SEARCHES,
        "min_days": POPULAR_MIN_DAYS,
        "min_buyers": POPULAR_MIN_BUYERS,
        "min_networks": POPULAR_MIN_NETWORKS,
        "found_only": found_only,
    }
    kept: list[tuple[str, int, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(POPULAR_QUERIES_SQL, params)
        while len(kept) < limit and (rows := cursor.fetchmany(500)):
            kept.extend((q, int(n), int(last)) for q, n, last in rows if not carries_contact(q))
    return kept[:limit]
