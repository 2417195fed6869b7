"""Which market-value model serves, and promoting a better one.

A new model is promoted only if, on its own test listings, it beats the current model re-scored on
those same listings: lower overall MdAPE and MAE, and an interval coverage within 5 points of the
80 % it promises. Promotion re-stamps every valued listing (serving.restamp_all) so the ordinary
capture carries the new values to search.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .dataset import read_listings
from .model import MarketModel, load
from .models import MarketValueModel
from .training import evaluate

log = logging.getLogger(__name__)
COVERAGE_TARGET, COVERAGE_SLACK = 80.0, 5.0


class PromotionRefused(Exception):
    pass


@functools.lru_cache(maxsize=4)
def _load(path: str) -> MarketModel:
    return load(settings.MARKET_VALUE_MODEL_DIR / path)


def artefact(entry: MarketValueModel) -> MarketModel:
    return _load(entry.artefact_path)


def current_model() -> MarketValueModel | None:
    return MarketValueModel.objects.filter(is_current=True).first()


def beats(candidate: dict, current: dict) -> tuple[bool, str]:
    """Overall metrics of two models on the same test listings: is the candidate better?"""
    new, old = candidate["overall"], current["overall"]
    if abs(new["coverage"] - COVERAGE_TARGET) > COVERAGE_SLACK:
        return False, f"interval coverage {new['coverage']} % is not within {COVERAGE_SLACK} of {COVERAGE_TARGET} %"
    if new["mdape"] >= old["mdape"] or new["mae"] > old["mae"]:
        return False, f"MdAPE {new['mdape']} vs {old['mdape']}, MAE {new['mae']} vs {old['mae']}: not better"
    return True, f"MdAPE {new['mdape']} vs {old['mdape']}, MAE {new['mae']} vs {old['mae']}"


def promote(entry: MarketValueModel, *, force: bool = False) -> str:
    """Make `entry` the serving model if it beats the current one (and both baselines) on its test listings."""
    mine = entry.metrics["model"]
    for baseline in ("median make/model/year", "linear on log price"):
        ok, why = beats(mine, entry.metrics[baseline])
        if not ok and not force:
            raise PromotionRefused(f"against the {baseline} baseline: {why}")
    current = current_model()
    note = "first model"
    if current is not None and current.pk != entry.pk:
        data = read_listings(settings.MARKET_VALUE_DATA_DIR)
        theirs = evaluate(artefact(current), data)
        ok, note = beats(evaluate(artefact(entry), data), theirs)
        if not ok and not force:
            raise PromotionRefused(f"against model {current.pk}: {note}")
    with transaction.atomic():
        MarketValueModel.objects.filter(is_current=True).update(is_current=False)
        entry.is_current, entry.promoted_at, entry.promotion_note = True, timezone.now(), note
        entry.save(update_fields=["is_current", "promoted_at", "promotion_note"])
    log.info("market-value model %s promoted: %s", entry.pk, note)
    return note
