"""Image files for the photo tests, made with Pillow: real photos' traits (EXIF with GPS and an
orientation), and each kind of bad file the upload must refuse."""

from __future__ import annotations

import io
import zlib

from PIL import Image


def jpeg(
    width: int = 1200, height: int = 800, *, colour=(180, 40, 40), orientation: int | None = None, gps=True
) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    # A diagonal band so orientation and resizing are visible in the pixels.
    for x in range(0, width, 4):
        for dy in range(10):
            y = int(x * height / width) + dy
            if y < height:
                image.putpixel((x, y), (255, 255, 255))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[0x0112] = orientation
    exif[0x8825] = {1: "S", 2: (1.0, 17.0, 0.0), 3: "E", 4: (36.0, 49.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def png(width: int = 800, height: int = 600, colour=(20, 90, 160, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, "PNG")
    return out.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
NOT_AN_IMAGE = b"%PDF-1.4\n% not a photo\n" + b"x" * 500


def truncated() -> bytes:
    data = jpeg()
    return data[: len(data) // 2]


def bomb(side: int = 20000) -> bytes:
    """A small PNG that decodes to side x side pixels (a decompression bomb): the header says it all."""
    raw = b"".join(b"\x00" + b"\x00" * side for _ in range(side))
    compressed = zlib.compress(raw, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", compressed) + chunk(b"IEND", b"")


def polyglot_zip() -> bytes:
    """A JPEG with a ZIP archive appended (opens as an image and as an archive)."""
    return jpeg() + b"PK\x03\x04" + b"\x00" * 26 + b"evil.js"


def polyglot_html() -> bytes:
    """A JPEG whose comment segment carries a script (served as HTML by a sniffing browser)."""
    data = jpeg()
    comment = b"<script>alert(document.cookie)</script>"
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]
