"""The broker's page on a phone (issue 26): amounts grouped as people read them, in both languages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from tests.browser.conftest import shot, sign_in, wait_until
from tests.browser.test_console_and_dashboard import _broker_with_a_paid_deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_broker_s_amounts_are_grouped(live_stack, phone, language):
    if language == "fr":
        phone.get(live_stack.at("/static/web/site.css"))
        phone.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    if not _broker_exists():
        _broker_with_a_paid_deal()
    sign_in(phone, live_stack, "broker-shots", next_path="/broker/")
    wait_until(phone, lambda d: d.find_elements(By.ID, "volume"))
    volume = re.sub(r"[\u00a0\u202f]", " ", phone.find_element(By.ID, "volume").text)
    assert volume == {"en": "60,000 USD", "fr": "60 000 USD"}[language]
    # No amount of five digits or more, nor one of thousands with cents, goes ungrouped.
    text = phone.find_element(By.TAG_NAME, "main").text
    assert not re.search(r"(?<![-\d])\d{5,}\b|\b\d{4,}[.,]\d\d\b", text), text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    shot(phone, f"broker-{language}")


def _broker_exists() -> bool:
    from django.contrib.auth.models import User

    return User.objects.filter(username="broker-shots").exists()
