"""Turning a checked original into what buyers download: upright, metadata-free, web-sized. Pure.

The orientation in EXIF is applied to the pixels first, then every byte of metadata is left behind
(GPS position, camera serial, the owner's name): a variant is encoded from bare pixels.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, features

# Bump when the encoding changes: variant names carry it, so new files never hide behind cached old ones.
RECIPE = "r1"
WEBP_QUALITY = 72
AVIF_QUALITY = 50
# AVIF's encoder speed (0 slowest, 10 fastest): 8 keeps a worker at several photos per second.
AVIF_SPEED = 8
PLACEHOLDER_WIDTH = 16


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp" or "avif"
    data: bytes


def avif_available() -> bool:
    return bool(features.check("avif"))


def upright_pixels(data: bytes) -> Image.Image:
    """The original decoded, EXIF orientation applied, as plain RGB with no metadata attached."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    # A fresh image: nothing of the original's info (EXIF, XMP, ICC, comments) comes along.
    bare = Image.new("RGB", upright.size)
    bare.paste(upright)
    return bare


def variant_widths(original_width: int, widths: list[int]) -> list[int]:
    """The configured widths up to the original's own; a narrow original still gets one variant."""
    chosen = sorted(w for w in widths if w <= original_width)
    return chosen or [original_width]


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(out, "AVIF", quality=AVIF_QUALITY, speed=AVIF_SPEED)
    return out.getvalue()


def make_variants(image: Image.Image, *, widths: list[int], formats: list[str]) -> list[Variant]:
    made = []
    for width in variant_widths(image.width, widths):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in formats:
            made.append(Variant(width, height, fmt, _encode(resized, fmt)))
    return made


def placeholder(image: Image.Image) -> str:
    """A tiny, blurry WebP as a data: URI (a few hundred bytes), shown under the image until it loads.

    Plain CSS can show it (a background image), so it works with JavaScript off.
    """
    height = max(1, round(image.height * PLACEHOLDER_WIDTH / image.width))
    tiny = image.resize((PLACEHOLDER_WIDTH, height), Image.Resampling.BOX)
    out = io.BytesIO()
    tiny.save(out, "WEBP", quality=30)
    return "data:image/webp;base64," + base64.b64encode(out.getvalue()).decode()
