"""Drawings for demo data: a side view of the body type in the listing's colour, labelled as an
illustration. Pure (Pillow). Never a photograph, and the pages say so (Photo.illustration)."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 900
COLOURS = {
    "white": (236, 236, 232),
    "black": (35, 35, 38),
    "silver": (176, 180, 186),
    "blue": (38, 84, 160),
    "red": (170, 32, 36),
    "grey": (110, 114, 120),
    "green": (40, 110, 64),
    "beige": (210, 190, 150),
    "brown": (110, 72, 44),
    "yellow": (230, 190, 40),
    "orange": (222, 112, 30),
    "gold": (196, 160, 72),
}
# Body outline as (cabin start, cabin end, roof height, body height, bed): fractions of the length.
SHAPES = {
    "sedan": (0.28, 0.72, 0.20, 0.17, False),
    "hatchback": (0.25, 0.86, 0.21, 0.18, False),
    "wagon": (0.25, 0.92, 0.21, 0.18, False),
    "coupe": (0.33, 0.70, 0.16, 0.16, False),
    "convertible": (0.38, 0.62, 0.10, 0.16, False),
    "suv": (0.20, 0.92, 0.24, 0.24, False),
    "pickup": (0.22, 0.52, 0.24, 0.23, True),
    "van": (0.10, 0.97, 0.33, 0.26, False),
    "minivan": (0.16, 0.95, 0.28, 0.22, False),
    "truck": (0.05, 0.35, 0.36, 0.30, True),
    "bus": (0.04, 0.98, 0.40, 0.30, False),
}


@lru_cache(maxsize=256)
def illustration(body_type: str, colour: str) -> bytes:
    """A JPEG of the body type in the colour (unknown ones: a sedan, grey). Same inputs, same bytes:
    the files are shared by every listing that looks alike (content-addressed storage)."""
    paint = COLOURS.get((colour or "").lower(), COLOURS["grey"])
    cabin_from, cabin_to, roof, body, bed = SHAPES.get((body_type or "").lower(), SHAPES["sedan"])
    image = Image.new("RGB", (WIDTH, HEIGHT), (214, 226, 236))
    draw = ImageDraw.Draw(image)
    ground = int(HEIGHT * 0.74)
    draw.rectangle((0, ground, WIDTH, HEIGHT), fill=(190, 186, 176))
    left, right = int(WIDTH * 0.1), int(WIDTH * 0.9)
    length = right - left
    sill = ground - int(HEIGHT * 0.06)
    top = sill - int(HEIGHT * body)
    draw.rounded_rectangle((left, top, right, sill), radius=28, fill=paint, outline=(20, 20, 20), width=4)
    roof_top = top - int(HEIGHT * roof)
    x0, x1 = left + int(length * cabin_from), left + int(length * cabin_to)
    slope = int(length * 0.07)
    cabin = [(x0, top), (x0 + slope, roof_top), (x1 - slope // 2, roof_top), (x1, top)]
    draw.polygon(cabin, fill=paint, outline=(20, 20, 20), width=4)
    inset = 14
    glass = [
        (x0 + inset * 2, top - 6),
        (x0 + slope + inset, roof_top + inset),
        (x1 - slope // 2 - inset, roof_top + inset),
        (x1 - inset, top - 6),
    ]
    draw.polygon(glass, fill=(160, 196, 220))
    if bed:
        draw.line((x1, top, right - 10, top), fill=(20, 20, 20), width=6)
    radius = int(HEIGHT * 0.075)
    for centre in (left + int(length * 0.18), left + int(length * 0.82)):
        draw.ellipse((centre - radius, sill - radius, centre + radius, sill + radius), fill=(28, 28, 28))
        draw.ellipse(
            (centre - radius // 2, sill - radius // 2, centre + radius // 2, sill + radius // 2), fill=(170, 170, 170)
        )
    # Stated in the picture too, so a copy taken out of the page still says what it is.
    draw.text((24, 20), "ILLUSTRATION", fill=(60, 60, 60), font_size=44)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
