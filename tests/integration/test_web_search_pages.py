"""The buyers' pages through Django's test client on the real engine: server-rendered search (no
JavaScript needed), the state in the URL, fragments for the enhanced page, currency, the vehicle page."""

import re

import pytest
from django.db.models import Count
from django.test import Client

from buyers.models import VehicleView
from catalog.models import Vehicle
from insights.models import SearchClick
from search.understanding import Vocabulary
from tests.support.factories import log_searches
from tests.support.search_fixtures import market, sql_counts, sql_vehicles  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def total_of(html: str) -> int:
    match = re.search(r'id="results-title"[^>]*>([\d,\u202f\u00a0 ]+) vehicle', html)
    assert match, html[:2000]
    return int(re.sub(r"\D", "", match.group(1)))


def test_the_search_page_lists_vehicles_and_facets_without_javascript(market):
    response = Client().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert total_of(html) == sql_vehicles().count()
    assert '<form id="search-form" class="search" method="get" action="/"' in html
    assert html.count('class="card"') == 20
    assert 'name="make" value="Toyota"' in html
    assert 'id="load-more"' in html


def test_filters_in_the_url_select_and_keep_disjunctive_counts(market):
    html = Client().get("/?make=Toyota&make=Honda").content.decode()
    assert total_of(html) == sql_vehicles({"make": ["Toyota", "Honda"]}).count()
    # The make list still counts every make (it ignores its own selection).
    bmw = sql_counts("make")["BMW"]
    assert re.search(rf'value="BMW"> <span>BMW</span> <span class="count">{bmw}</span>', html)
    # Both chosen makes are checked, with their models nested beneath.
    assert 'value="Toyota" checked' in html and 'value="Honda" checked' in html
    assert 'name="model" value="Camry"' in html
    assert "Remove Toyota" in html and 'class="clear-all"' in html


def test_a_bad_parameter_is_a_400_page_naming_it(market):
    response = Client().get("/?year_min=abc")
    assert response.status_code == 400
    assert "year_min" in response.content.decode()


def test_a_fragment_request_gets_only_the_results_part(market):
    response = Client().get("/?make=BMW", headers={"X-Fragment": "results"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="result-list"' in html
    assert "X-Fragment" in response["Vary"]


def test_load_more_follows_the_cursor(market):
    client = Client()
    first = client.get("/").content.decode()
    more_url = re.search(r'id="load-more" class="button load-more" href="([^"]+)"', first).group(1)
    more = client.get("/" + more_url.replace("&amp;", "&"), headers={"X-Fragment": "more"}).content.decode()
    first_ids = set(re.findall(r'href="/vehicles/(\d+)/', first))
    more_ids = set(re.findall(r'href="/vehicles/(\d+)/', more))
    assert len(more_ids) == 20 and not first_ids & more_ids


def test_the_currency_is_converted_and_remembered(market):
    client = Client()
    response = client.get("/?currency=KES")
    assert response.cookies["nzila_currency"].value == "KES"
    assert "\u00a0KES" in response.content.decode()
    assert '<option value="KES" selected>' in client.get("/").content.decode()


def test_zero_results_offer_a_way_out(market):
    html = Client().get("/?q=toyta+camri&make=BMW").content.decode()
    assert total_of(html) == 0
    assert 'id="zero-results"' in html
    assert "Remove the last filter" in html
    assert "Popular makes" in html


def test_zero_results_offer_popular_searches_that_found_vehicles(market, monkeypatch):
    from insights.models import BlockedQuery

    # The makes and models the page normalises logged texts with (the suggestions index's, in production).
    listed = Vehicle.objects.values_list("make", "model").annotate(n=Count("id"))
    monkeypatch.setattr("search.selectors.vehicle_vocabulary", lambda: Vocabulary.from_rows(list(listed)))
    log_searches("toyota hilux", 4, times=12)
    log_searches("TOYOTA  corola", 2, times=5)  # as the market names it, once
    log_searches("toyota corolla", 2, times=5)
    log_searches("@sum(1+1)*cmd|x", 2, times=9)  # found something, but someone's typing: never shown
    log_searches("lamborghini", 0, times=9)  # searched often, found nothing: not offered
    log_searches("toyota camry", 3, times=9, days_ago=90)  # too old
    # Typeahead's rule: one actor, an address, a blocked phrase are never offered.
    log_searches("toyota rav4", 5, times=30, network="one-actor")
    log_searches("toyota cheapcars-example.com", 5, times=9)
    log_searches("toyota scam", 5, times=9)
    BlockedQuery.objects.create(phrase="scam")
    page = Client().get("/?make=Lada&currency=EUR")
    searches = page.context["help"]["searches"]
    assert [s["text"] for s in searches] == ["Toyota Hilux", "Toyota Corolla"]
    assert searches[0]["url"] == "?currency=EUR&q=Toyota+Hilux"
    html = page.content.decode()
    assert "Popular searches" in html and 'href="?currency=EUR&amp;q=Toyota+Hilux"' in html
    # Each one leads to vehicles.
    assert total_of(Client().get("/" + searches[0]["url"]).content.decode()) > 0


def test_zero_results_show_the_did_you_mean_and_the_relaxed_search_as_such(market):
    page = Client().get("/?q=toyta+camri&make=BMW")
    help = page.context["help"]
    api = Client().get("/api/v1/vehicles/search", {"q": "toyta camri", "make": "BMW"}).json()
    assert help["did_you_mean"] == api["did_you_mean"] == "toyota camry"
    assert help["relaxed"] == api["relaxed"] and api["relaxed"]["dropped"] == ["q"]
    html = page.content.decode()
    assert 'class="did-you-mean"' in html and 'href="?q=toyota+camry&amp;make=BMW"' in html
    relaxed = html.split('id="relaxed-results"')[1].split("</section>")[0]
    assert f"Without your words: {api['relaxed']['total']} vehicles" in relaxed
    assert "These do not match everything you asked for." in relaxed
    assert relaxed.count('class="card"') == len(api["results"]) > 0
    assert 'href="?make=BMW"' in relaxed  # the relaxed search itself, as a link
    assert {v["make"] for v in page.context["result"]["results"]} == {"BMW"}
    # A price bound given up is named as the page names it.
    priced = Client().get("/?make=Toyota&fuel=electric&price_max=100").context["help"]
    assert priced["relaxed"]["dropped"] == ["price_max"] and priced["relaxed_without"] == ["Price"]


def test_search_exactly_what_i_typed_turns_query_understanding_off(market):
    client = Client()
    understood = client.get("/", {"q": "toyota hilux 2015"})
    assert understood.context["interpretation"]["applied"]
    # The year is one chip, named as the page names a range (both bounds, one year).
    assert [c["param"] for c in understood.context["interpretation"]["chips"]] == ["year"]
    assert understood.context["interpretation"]["chips"][0]["label"] == "Year: 2015"
    exact_url = understood.context["exact_url"]
    assert exact_url == "?q=toyota+hilux+2015&interpret=0"
    assert f'href="{exact_url.replace("&", "&amp;")}"' in understood.content.decode()
    exact = client.get("/" + exact_url)
    assert exact.status_code == 200 and not exact.context["interpretation"]["applied"]
    api = client.get("/api/v1/vehicles/search", {"q": "toyota hilux 2015", "interpret": "0"}).json()
    assert not api["interpretation"]["applied"]
    assert exact.context["result"]["total"] == api["total"]
    assert [v["id"] for v in exact.context["result"]["results"]] == [v["id"] for v in api["results"]]
    # The year was a chip, not a filter: as typed, it is only words, so other years can match.
    assert exact.context["result"]["total"] >= understood.context["result"]["total"]
    assert "Search exactly what I typed" not in exact.content.decode()


def test_the_vehicle_page_has_specs_dealer_similar_and_records_the_view(market):
    camry = Vehicle.objects.get(pk=market.coviewed["camry"])
    client = Client()
    views_before = VehicleView.objects.filter(vehicle=camry).count()
    short = client.get(f"/vehicles/{camry.pk}/")
    assert short.status_code == 301
    response = client.get(short["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    # No verified WhatsApp number for this dealer: no button (a wa.me link without one opens no chat),
    # and the platform's own question form instead.
    assert camry.dealer.name in html and "wa.me" not in html and 'id="ask-form"' in html
    assert 'id="similar"' in html and 'class="reasons"' in html
    assert VehicleView.objects.filter(vehicle=camry).count() == views_before + 1


def test_a_sold_vehicle_is_gone_with_similar_ones_not_a_404(market):
    sold = Vehicle.objects.get(pk=market.coviewed["sold"])
    response = Client().get(f"/vehicles/{sold.pk}/", follow=True)
    html = response.content.decode()
    assert response.status_code == 410
    assert 'id="no-longer-available"' in html and 'class="reasons"' in html


def test_an_unknown_vehicle_is_a_404():
    assert Client().get("/vehicles/999999999/x/").status_code == 404


def test_the_vehicle_api_gives_the_page_data_and_clear_errors(market):
    client = Client()
    camry = market.coviewed["camry"]
    body = client.get(f"/api/v1/vehicles/{camry}", {"currency": "KES", "similar": 3}).json()
    assert body["id"] == camry and body["available"] is True
    assert body["display_price"]["currency"] == "KES" and len(body["similar"]) == 3
    assert body["similar"][0]["reasons"]
    assert client.get(f"/api/v1/vehicles/{market.coviewed['sold']}").json()["available"] is False
    bad = client.get(f"/api/v1/vehicles/{camry}", {"currency": "ZZZ"})
    assert bad.status_code == 400 and "currency" in bad.content.decode()
    assert client.get("/api/v1/vehicles/999999999").status_code == 404
    assert "/api/v1/vehicles/{vehicle_id}" in client.get("/api/schema").content.decode()


def test_opening_a_result_records_the_click_with_its_rank(market):
    client = Client()
    page = client.get("/?make=Toyota").content.decode()
    links = re.findall(r'href="(/vehicles/\d+/[^"?]+/\?search_id=([0-9a-f-]+)&amp;position=(\d+))"', page)
    link, search_id, position = links[2]
    assert position == "3"
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    click = SearchClick.objects.get(search_id=search_id)
    assert click.position == 3 and str(click.vehicle_id) in link
    # A mangled one still shows the page, as a plain view.
    assert client.get(link.replace("&amp;", "&").replace(search_id, "nonsense")).status_code == 200
    assert SearchClick.objects.filter(search_id=search_id).count() == 1


def _card_links(html: str) -> list[str]:
    return re.findall(r'<a href="(/vehicles/[^"]+)" class="card-link"', html)


def test_loaded_pages_stay_in_the_url_and_their_clicks_know_their_rank(market):
    client = Client()
    first = client.get("/", {"sort": "newest"})
    more_url = first.context["more_url"]
    assert "pages=2" in more_url and "cursor=" in more_url
    # What "load more" fetches (the fragment the script appends): the next 20, ranks 21 to 40.
    more = client.get("/" + more_url, headers={"X-Fragment": "more"})
    assert more.status_code == 200
    assert [card["position"] for card in more.context["result"]["results"]] == list(range(21, 41))
    assert "pages=3" in more.context["more_url"]
    # The script then puts pages=2 (no cursor) in the URL: a reload shows the same 40, in order.
    reloaded = client.get("/", {"sort": "newest", "pages": "2"})
    ids = [card["id"] for card in reloaded.context["result"]["results"]]
    assert ids == [c["id"] for c in first.context["result"]["results"]] + [
        c["id"] for c in more.context["result"]["results"]
    ]
    assert [card["position"] for card in reloaded.context["result"]["results"]] == list(range(1, 41))
    assert "pages=3" in reloaded.context["more_url"]
    assert total_of(reloaded.content.decode()) == total_of(first.content.decode())

    # A click on the 25th result, as its link sends it, is logged with rank 25.
    link = _card_links(more.content.decode())[4].replace("&amp;", "&")
    assert "position=25" in link
    opened = client.get(link, follow=True)
    assert opened.status_code == 200
    search_id = more.context["result"]["search_id"]
    assert SearchClick.objects.filter(search_id=search_id, position=25).exists()


def test_a_bad_pages_value_is_a_400_naming_it(market):
    for bad in ("0", "two", "9999"):
        response = Client().get("/", {"pages": bad})
        assert response.status_code == 400, bad
        assert "pages" in response.context["errors"]
