"""Suggestions one actor cannot plant (pure parts): the text a suggestion may never carry, the block list's match, and
the network a search is counted under."""

from __future__ import annotations

import pytest

from insights.popularity import blocked_by, carries_contact, network_key


@pytest.mark.parametrize(
    "text",
    [
        "toyota visit cheapcars-example.com",
        "hilux www.deals4u.co.ke",
        "https://example.org/x",
        "cars cheapcars dot com",
        "write me bob@example.com",
        "call 0712 345 678",
        "+254712345678 corolla",
        "whatsapp +33 6 12 34 56 78",
        "camry 0712-345678",
    ],
)
def test_addresses_and_phone_numbers_are_never_suggestions(text):
    assert carries_contact(text)


@pytest.mark.parametrize(
    "text",
    [
        "toyota hilux",
        "vw golf 1.4 tsi",
        "mercedes c200 2.0l",
        "land cruiser 2012 2015",
        "corolla 2015 150000 km",
        "pickup under 15000",
        "bmw x5 m sport",
        "peugeot 308 sw",
    ],
)
def test_ordinary_car_searches_pass(text):
    assert not carries_contact(text)


def test_a_blocked_phrase_matches_whole_words_only():
    assert blocked_by("toyota scam cars", ["scam"])
    assert blocked_by("scam cars", ["scam cars"])
    assert not blocked_by("toyota scammer", ["scam"])
    assert not blocked_by("toyota", [])


def test_a_network_is_an_ipv4_24_or_an_ipv6_48_and_never_the_address(settings):
    settings.SECRET_KEY = "k1"
    assert network_key("10.1.2.3") == network_key("10.1.2.250") != network_key("10.1.3.3")
    assert network_key("2001:db8:1:1::1") == network_key("2001:db8:1:ffff::9") != network_key("2001:db8:2::1")
    assert network_key("::ffff:10.1.2.3") == network_key("10.1.2.3")
    assert "10.1.2" not in network_key("10.1.2.3") and network_key("not an address") == ""
    first = network_key("10.1.2.3")
    settings.SECRET_KEY = "k2"
    assert network_key("10.1.2.3") != first  # keyed: not a lookup table of the address space
