"""Dealer reviews and the dealer's public page: only a delivered deal's buyer reviews, once per deal;
staff publish; the dealer answers once; published reviews make the dealer's rating, which re-stamps
its vehicles for search; the page shows the dealer, its reviews and its inventory (English, French)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import Dealer
from sales.models import Deal, DealerReview
from sales.reviews import ReviewRefused, answer_review, moderate, write_review
from tests.support.factories import make_dealer, make_vehicle
from tests.support.payment_simulators.fixtures import currencies, make_buyer, make_user  # noqa: F401
from tests.support.search_fixtures import vehicle_index  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vehicle_index")]


def deal(buyer, dealer, stage="delivered") -> Deal:
    vehicle = make_vehicle(dealer)
    return Deal.objects.create(buyer=buyer, vehicle=vehicle, agreed_price=vehicle.price, currency_id="USD", stage=stage)


def test_only_a_delivered_deal_of_ones_own_is_reviewed_once(currencies):
    dealer = make_dealer(rating=None)
    buyer = make_buyer()
    with pytest.raises(ReviewRefused):
        write_review(buyer=buyer, deal_id=deal(buyer, dealer, stage="shipped").pk, stars=5, text="Fast")
    delivered = deal(buyer, dealer)
    with pytest.raises(ReviewRefused):
        write_review(buyer=make_buyer(), deal_id=delivered.pk, stars=5, text="Not mine")
    with pytest.raises(ReviewRefused):
        write_review(buyer=buyer, deal_id=delivered.pk, stars=6, text="Too many stars")
    review = write_review(buyer=buyer, deal_id=delivered.pk, stars=4, text="Good car, slow papers")
    assert review.status == DealerReview.Status.PENDING
    with pytest.raises(ReviewRefused) as again:
        write_review(buyer=buyer, deal_id=delivered.pk, stars=1, text="Second go")
    assert again.value.code == "deal"


def test_publishing_sets_the_rating_and_restamps_the_dealers_vehicles(currencies):
    dealer = make_dealer(rating=Decimal("4.50"))
    staff = make_user(staff=True)
    first, second = make_buyer(), make_buyer()
    a = write_review(buyer=first, deal_id=deal(first, dealer).pk, stars=5, text="Excellent")
    b = write_review(buyer=second, deal_id=deal(second, dealer).pk, stars=2, text="Car not as described")
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(search_version) FROM catalog_vehicle WHERE dealer_id = %s", [dealer.pk])
        before = cursor.fetchone()[0]
    moderate(a.pk, staff_user=staff, publish=True)
    moderate(b.pk, staff_user=staff, publish=True)
    dealer.refresh_from_db()
    assert dealer.rating == Decimal("3.50")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(search_version) FROM catalog_vehicle WHERE dealer_id = %s", [dealer.pk])
        assert cursor.fetchone()[0] > before  # every vehicle of the dealer re-stamped for search
    moderate(b.pk, staff_user=staff, publish=False)
    dealer.refresh_from_db()
    assert dealer.rating == Decimal("5.00")


def test_the_dealer_answers_once_and_the_page_shows_reviews_and_inventory(client, currencies):
    dealer = make_dealer(name="Coast Motors Mombasa", rating=None)
    member = make_user()
    dealer.members.add(member)
    buyer = make_buyer()
    review = write_review(buyer=buyer, deal_id=deal(buyer, dealer).pk, stars=5, text="Delivered on time")
    with pytest.raises(ReviewRefused):
        answer_review(review.pk, dealer_id=dealer.pk, user=member, text="Thanks")  # not published yet
    moderate(review.pk, staff_user=make_user(staff=True), publish=True)
    answer_review(review.pk, dealer_id=dealer.pk, user=member, text="Thank you, come again")
    with pytest.raises(ReviewRefused):
        answer_review(review.pk, dealer_id=dealer.pk, user=member, text="Twice")
    redirect = client.get(f"/dealers/{dealer.pk}/")
    assert redirect.status_code == 301 and redirect["Location"] == f"/dealers/{dealer.pk}/coast-motors-mombasa/"
    page = client.get(redirect["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Coast Motors Mombasa" in text and "Delivered on time" in text and "Thank you, come again" in text
    assert "5.0/5" in text and "verified dealer" in text
    assert 'action="/dealers/' in text  # the inventory's search form stays on this page
    french = client.get(redirect["Location"], HTTP_ACCEPT_LANGUAGE="fr")
    assert "Avis des acheteurs" in french.content.decode()
    assert client.get("/dealers/999999999/").status_code == 404


def test_the_buyer_writes_a_review_from_the_account_page(client, currencies):
    dealer = make_dealer()
    buyer = make_buyer()
    delivered = deal(buyer, dealer)
    client.force_login(buyer.user)
    page = client.get("/accounts/reviews/")
    assert f'data-deal="{delivered.pk}"'.encode() in page.content
    client.post("/accounts/reviews/", {"deal": delivered.pk, "stars": "4", "text": "Honest dealer"})
    assert DealerReview.objects.get(deal=delivered).stars == 4
    again = client.post("/accounts/reviews/", {"deal": delivered.pk, "stars": "1", "text": "again"})
    assert again.status_code == 400 and DealerReview.objects.filter(deal=delivered).count() == 1
    assert Dealer.objects.get(pk=dealer.pk).rating == Decimal("4.50")  # unpublished: no effect
