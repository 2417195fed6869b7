"""The pure parts of lead scoring: the six rules, held-out metrics, the promotion rule, PSI, A/B arms."""

from __future__ import annotations

import numpy as np
import pytest

from scoring import drift, metrics
from scoring.arms import arm_for
from scoring.rules import rule_points, rule_score

BEST = {
    "views_of_vehicle": 5,
    "watches_vehicle": 1,
    "saved_searches": 2,
    "price_vs_market": 0.85,
    "source": "referral",
    "prior_wins": 1,
    "has_broker": 1,
}


def test_the_six_rules_weigh_what_the_old_platform_gave_them():
    assert rule_points(BEST) == {
        "engagement": 30,
        "price_band": 20,
        "source": 15,
        "buyer_history": 15,
        "lead_age": 10,
        "broker": 10,
    }
    assert rule_score(BEST) == 100
    assert rule_score({"source": "website", "price_vs_market": 1.3}, lead_age_days=40) == 5
    assert rule_points({}, lead_age_days=6)["lead_age"] == 8


def test_metrics_of_a_perfect_and_of_a_useless_score():
    y = np.array([0] * 90 + [1] * 10)
    perfect = metrics.evaluate(y, y * 0.9 + 0.05)
    assert perfect["roc_auc"] == 1.0 and perfect["top10_precision"] == 1.0 and perfect["top10_recall"] == 1.0
    assert perfect["top10_lift"] == 10.0 and perfect["lift_chart"][0]["lift"] == 10.0
    flat = metrics.evaluate(y, np.full(100, 0.1))
    assert flat["roc_auc"] == 0.5 and flat["brier"] == pytest.approx(0.09)
    assert flat["calibration"] == [{"bin": "0.1-0.2", "leads": 100, "predicted": 0.1, "observed": 0.1}]


def test_ties_give_no_score_a_lucky_top_ten_percent():
    # All leads tied: the top 10 % are the first ones in time order, whatever their labels.
    y = np.array([0] * 10 + [1] * 10)
    assert metrics.top_share(y, np.zeros(20))["precision"] == 0.0


@pytest.mark.parametrize(
    "candidate, ok",
    [
        ({"roc_auc": 0.80, "pr_auc": 0.42, "brier": 0.110}, True),
        ({"roc_auc": 0.78, "pr_auc": 0.42, "brier": 0.110}, False),  # equal ROC AUC is not better
        ({"roc_auc": 0.80, "pr_auc": 0.39, "brier": 0.110}, False),
        ({"roc_auc": 0.80, "pr_auc": 0.42, "brier": 0.130}, False),  # better ranking, worse calibration
        ({"roc_auc": None, "pr_auc": 0.42, "brier": 0.110}, False),
    ],
)
def test_a_model_must_beat_the_incumbent_on_every_held_out_metric(candidate, ok):
    incumbent = {"roc_auc": 0.78, "pr_auc": 0.40, "brier": 0.111}
    assert metrics.beats(candidate, incumbent)[0] is ok


def test_psi_is_zero_for_the_same_population_and_large_for_a_shifted_one():
    rng = np.random.default_rng(1)
    reference = drift.numeric_reference(rng.normal(0, 1, 5000).tolist())
    assert drift.psi_against(reference, rng.normal(0, 1, 5000).tolist()) < 0.02
    assert drift.psi_against(reference, rng.normal(1, 1, 5000).tolist()) > 0.2
    categories = drift.categorical_reference(["KE"] * 80 + ["NG"] * 20)
    assert drift.psi_against(categories, ["KE"] * 80 + ["NG"] * 20) == 0
    assert drift.psi_against(categories, ["NG"] * 80 + ["KE"] * 20 + [None] * 10) > 0.2


def test_missing_values_have_their_own_bin():
    reference = drift.numeric_reference([1.0, 2.0, 3.0, None])
    assert reference["shares"][-1] == 0.25


def test_arms_are_stable_and_split_by_the_configured_share():
    arms = [arm_for(i, salt="s", model_share=0.5) for i in range(4000)]
    assert arms == [arm_for(i, salt="s", model_share=0.5) for i in range(4000)]
    assert 0.45 < arms.count("model") / 4000 < 0.55
    assert {arm_for(i, salt="s", model_share=0.0) for i in range(100)} == {"rules"}
    assert arms != [arm_for(i, salt="other", model_share=0.5) for i in range(4000)]
