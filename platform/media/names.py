"""Where photos live in storage, and their public addresses. Pure.

Names are content-addressed: the original's SHA-256 names it and every variant made from it, with
the recipe's version, so a name always means the same bytes and can be cached for a year.
"""

from __future__ import annotations

from django.conf import settings

from .variants import RECIPE


def original_name(sha256: str, extension: str) -> str:
    return f"originals/{sha256[:2]}/{sha256}.{extension}"


def variant_base(sha256: str) -> str:
    return f"photos/{sha256[:2]}/{sha256}/{RECIPE}"


def variant_name(base: str, width: int, fmt: str) -> str:
    return f"{base}-{width}.{fmt}"


def public_url(name: str) -> str:
    return f"{settings.PHOTOS_PUBLIC_URL}{name}"


def srcset(variants: dict, fmt: str) -> str:
    """`url 320w, url 640w` for one format of a photo's variants ({"base", "widths", "formats"})."""
    return ", ".join(f"{public_url(variant_name(variants['base'], w, fmt))} {w}w" for w in variants["widths"])


def image_urls(variants: dict, *, width: int, height: int, placeholder: str, illustration: bool) -> dict:
    """What a page or an API client needs to show a photo: a fallback src, a srcset per format,
    the upright size (for width/height attributes: no layout shift) and the placeholder."""
    widths = variants["widths"]
    # The fallback (no srcset support): the width closest to a phone card's 2x.
    fallback = min(widths, key=lambda w: abs(w - 640))
    return {
        "src": public_url(variant_name(variants["base"], fallback, "webp")),
        "srcset": {fmt: srcset(variants, fmt) for fmt in variants["formats"]},
        "thumb": public_url(variant_name(variants["base"], widths[0], "webp")),
        "width": width,
        "height": height,
        "placeholder": placeholder,
        "illustration": illustration,
    }
