"""The search page's URL state: cleaning the query string, the links chips and "clear all" point to."""

from django.http import QueryDict

from web.search_state import chips, clean, clear_all_url, relax_last_url, url_of


def q(text: str) -> QueryDict:
    return QueryDict(text)


def test_clean_drops_blank_fields_and_unknown_names_but_keeps_repeats():
    cleaned = clean(q("q=&make=Toyota&make=Honda&price_min=&foo=1&sort=price_asc"))
    assert cleaned.getlist("make") == ["Toyota", "Honda"]
    assert "q" not in cleaned and "price_min" not in cleaned and "foo" not in cleaned
    assert cleaned["sort"] == "price_asc"


def test_any_change_of_state_drops_the_cursor():
    assert url_of(q("make=Toyota&cursor=abc"), body=["suv"]) == "?make=Toyota&body=suv"
    assert url_of(q("cursor=abc")) == "?"


def test_each_chip_removes_only_itself():
    query = q("q=hilux&make=Toyota&make=Honda&price_min=1000&price_max=5000&currency=KES")
    by_label = {chip.label: chip.remove_url for chip in chips(query, lambda facet, value: value)}
    assert by_label["Toyota"] == "?q=hilux&make=Honda&price_min=1000&price_max=5000&currency=KES"
    assert by_label["“hilux”"] == "?make=Toyota&make=Honda&price_min=1000&price_max=5000&currency=KES"
    price = next(label for label in by_label if label.startswith("Price"))
    assert by_label[price] == "?q=hilux&make=Toyota&make=Honda&currency=KES"


def test_clear_all_keeps_the_view_and_relax_drops_the_last_filter():
    query = q("make=Toyota&currency=XOF&body=suv&sort=newest")
    assert clear_all_url(query) == "?currency=XOF&sort=newest"
    assert relax_last_url(query) == "?make=Toyota&currency=XOF&sort=newest"
    assert relax_last_url(q("q=zzz&currency=USD")) is None
