"""The similar-vehicle blend: similarity and co-view scores into one ranked list. Pure, shared by the
selector and the offline evaluation (bench/recommendations.py), so both measure the same thing."""

from __future__ import annotations

import math

# At most this share of the recommendations is kept for co-viewed vehicles when there are any.
COVIEW_SHARE = 0.25


def normalized(scores: dict[int, float]) -> dict[int, float]:
    top = max(scores.values(), default=0.0)
    return {key: value / top for key, value in scores.items()} if top > 0 else {}


def blend_ranking(
    similarity: dict[int, float], coviews: dict[int, float], *, weights: tuple[float, float], size: int, exclude: int
) -> tuple[list[int], dict[int, float]]:
    """(the `size` vehicle ids shown, best first; the blended score of every candidate)."""
    sim_norm, co_norm = normalized(similarity), normalized(coviews)
    blended = {
        vid: weights[0] * sim_norm.get(vid, 0.0) + weights[1] * co_norm.get(vid, 0.0)
        for vid in {**similarity, **coviews}
        if vid != exclude
    }
    order = sorted(blended, key=lambda vid: (-blended[vid], vid))
    # Co-views get a share of the slots, so strong "also viewed" cars are not crowded out by many
    # close text matches; the list is still shown best score first.
    reserved = [vid for vid in order if vid in coviews][: math.ceil(size * COVIEW_SHARE)]
    ranked = reserved + [vid for vid in order if vid not in reserved][: size - len(reserved)]
    ranked.sort(key=lambda vid: (-blended[vid], vid))
    return ranked, blended
