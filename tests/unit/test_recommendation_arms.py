"""Which similar-vehicle blend a viewer gets, and its weights."""

from __future__ import annotations

from recommendations.arms import blend_arm, blend_weights


def test_the_switch_forces_one_blend(settings):
    settings.RECOMMENDATIONS_BLEND_ARM = "current"
    assert {blend_arm(user_id=i, session_key="") for i in range(50)} == {"current"}
    settings.RECOMMENDATIONS_BLEND_ARM = "tuned"
    assert {blend_arm(user_id=i, session_key="") for i in range(50)} == {"tuned"}


def test_ab_splits_viewers_stably_and_anonymous_ones_see_the_current_blend(settings):
    settings.RECOMMENDATIONS_BLEND_ARM = "ab"
    arms = [blend_arm(user_id=i, session_key="") for i in range(1, 401)]
    assert arms == [blend_arm(user_id=i, session_key="") for i in range(1, 401)]
    assert 150 < arms.count("tuned") < 250
    assert blend_arm(user_id=None, session_key="") == "current"
    assert blend_arm(user_id=None, session_key="abc") == blend_arm(user_id=None, session_key="abc")


def test_weights_add_up_to_one(settings):
    settings.RECOMMENDATIONS_TUNED_SIMILARITY_WEIGHT = 0.4
    assert blend_weights("current") == (0.7, 0.3)
    assert blend_weights("tuned") == (0.4, 0.6)
