"""The analysts' dashboard (issue 26): a year axis in year order with every label, numbers grouped."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from tests.browser.conftest import shot, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def drawn(driver, slug: str) -> bool:
    return bool(driver.find_elements(By.CSS_SELECTOR, f'canvas[data-chart="{slug}"][data-drawn]'))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_year_axis_is_in_year_order_with_every_label_and_numbers_read_grouped(live_stack, phone, language):
    if language == "fr":
        phone.get(live_stack.at("/static/web/site.css"))
        phone.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    sign_in(phone, live_stack, "analyst", next_path="/analytics/?group_by=year&currency=NGN")
    wait_until(phone, lambda d: drawn(d, "prices") and drawn(d, "days-on-market"))
    for slug in ("prices", "days-on-market"):
        years = phone.execute_script(
            "return [...document.querySelectorAll(`table[data-report='${arguments[0]}'] tbody tr`)]"
            ".map(tr => tr.cells[0].textContent.trim())",
            slug,
        )
        assert len(years) > 3 and years == sorted(years), (slug, years)
        ticks = phone.execute_script(
            "const chart = Chart.getChart(document.querySelector(`canvas[data-chart='${arguments[0]}']`));"
            "return chart.scales.x.ticks.length",
            slug,
        )
        assert ticks == len(years), f"{slug}: {ticks} labels for {len(years)} years"
    cells = phone.execute_script(
        "return [...document.querySelectorAll('table.report-table td.num')].map(td => td.textContent.trim())"
    )
    ungrouped = [c for c in cells if re.fullmatch(r"-?\d{4,}(\.\d+)?|-?\d+\.\d{3,}", c)]
    assert cells and not ungrouped, ungrouped[:10]
    note = phone.find_element(By.CSS_SELECTOR, "#report-prices .note").get_attribute("textContent")
    assert not re.search(r"\d{4,}", note.replace("NGN", "")), note
    phone.execute_script("document.getElementById('report-prices').scrollIntoView()")
    shot(phone, f"dashboard-years-{language}")
