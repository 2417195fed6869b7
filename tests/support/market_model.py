"""A small market-value model for tests: the real pipeline fitted in a second on a synthetic market
(Toyota Corollas and Hiluxes in Kenya losing 10 % a year and a little with mileage), registered as
the serving model. Its interval is the real split-conformal one, from residuals of its own rows."""

from __future__ import annotations

import itertools
import random
from datetime import date

import numpy as np

from pricing.features import FEATURES, Car, features
from pricing.model import ALGORITHM, MarketModel, fit, residual_quantiles, save, support
from pricing.models import MarketValueModel

_names = itertools.count(1)
PRICE_NEW = {("Toyota", "Corolla"): 24000.0, ("Toyota", "Hilux"): 42000.0}


def fair_price(make: str, model: str, year: int, mileage_km: int, *, as_of: int | None = None) -> float:
    """What the synthetic market asks for such a car (USD): the model learns about this."""
    age = max((as_of or date.today().year) - year, 0)
    return PRICE_NEW[(make, model)] * 0.9**age * (1 - min(mileage_km, 300_000) / 1_000_000)


def register_test_model(model_dir, rows: int = 600, seed: int = 3) -> MarketValueModel:
    """Fit, save under `model_dir` (settings.MARKET_VALUE_MODEL_DIR) and make it the serving model."""
    rng = random.Random(seed)
    as_of = date.today().year
    X, prices = [], []
    for _ in range(rows):
        make, model = rng.choice(list(PRICE_NEW))
        year, km = rng.randint(as_of - 12, as_of), rng.randint(5_000, 200_000)
        # Every numeric feature needs some values (the trees bin each one): engines with and without power.
        engine = rng.choice(["1.8L I4", "2.4L I4 150 PS", "2.8L I4 177 PS", "1.6L I4 122 PS"])
        car = Car(make, model, year, "KE", mileage_km=km, fuel="petrol", transmission="automatic", engine=engine)
        X.append([features(car, as_of=as_of)[name] for name in FEATURES])
        prices.append(fair_price(make, model, year, km) * rng.uniform(0.9, 1.1))
    X = np.array(X, dtype=object)
    y = np.array(prices)
    pipeline = fit(X, y, params={"max_iter": 80, "learning_rate": 0.2, "min_samples_leaf": 10})
    market = MarketModel(pipeline, {}, support(X))
    market.residual_quantiles = residual_quantiles(np.log(y) - market.predict_log(X), np.array(["*"] * len(y)))
    path = f"test-market-{next(_names)}-{rng.randrange(10**9)}.joblib"
    save(market, model_dir / path)
    MarketValueModel.objects.filter(is_current=True).update(is_current=False)
    return MarketValueModel.objects.create(
        algorithm=ALGORITHM,
        features=list(FEATURES),
        data_source="tests.support.market_model",
        data_hash="0" * 64,
        artefact_path=path,
        metrics={},
        is_current=True,
    )
