"""What an uploaded file is, decided from its bytes (Pillow), never from its name or its header.

Pure: bytes in, an `Inspected` or a `PhotoRefused` out. Every refusal names the file and says why, in
words a dealer can act on, in the request's language (French in media/locale). The checks run in the
request (so the dealer gets a 400 at once and nothing is stored); making the variants is left to a task.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

# The formats a phone or a camera produces and browsers show; anything else is refused.
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Markup or script inside an image means a file made to be read as something else too (a polyglot).
# Long, specific patterns: random compressed bytes essentially never spell them.
_MARKUP = re.compile(rb"<script|<html|<\?php|<iframe|<body|javascript:|<svg[\s>]", re.IGNORECASE)


# The API's refusal of a request that carries no file at all.
NO_FILES = gettext_lazy("Send one or more files in the “photos” part.")


class PhotoRefused(Exception):
    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason

    def sentence(self) -> str:
        """The refusal as the console shows it, in the active language."""
        return _("%(file)s was refused: %(reason)s") % {"file": self.filename, "reason": self.reason}


@dataclass(frozen=True)
class Inspected:
    format: str  # one of ACCEPTED
    width: int  # upright (EXIF orientation applied)
    height: int
    bytes: int

    @property
    def extension(self) -> str:
        return ACCEPTED[self.format]


def too_large(filename: str, max_bytes: int) -> PhotoRefused:
    """The refusal of a file over the size limit (checked before reading an upload, and again here)."""
    return PhotoRefused(filename, _("the file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes)})


def _pixels(count: int) -> str:
    return number_format(count, force_grouping=True)


def _ends_cleanly(data: bytes, fmt: str) -> bool:
    """Nothing after the image's own end: a ZIP, a page or a script appended to a JPEG is a polyglot."""
    if fmt == "JPEG":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if fmt == "PNG":
        return data.endswith(b"IEND\xaeB`\x82")
    if fmt == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return data[:4] == b"RIFF" and declared == len(data)
    return False


def inspect_photo(data: bytes, *, filename: str, max_bytes: int, max_pixels: int, min_side: int) -> Inspected:
    """Check one upload; raise PhotoRefused naming the file and the reason."""
    name = filename or "photo"
    if not data:
        raise PhotoRefused(name, _("the file is empty."))
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in head:
        raise PhotoRefused(name, _("SVG and other markup files are not accepted: they can carry scripts."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(ACCEPTED)) as image:
                fmt = image.format
                width, height = image.size
                if width * height > max_pixels:
                    raise PhotoRefused(
                        name,
                        _("the image is %(width)d×%(height)d pixels, over the limit of %(limit)s pixels.")
                        % {"width": width, "height": height, "limit": _pixels(max_pixels)},
                    )
                if getattr(image, "n_frames", 1) > 1:
                    raise PhotoRefused(name, _("animated images are not accepted."))
                # Decoding every pixel is what finds a truncated or corrupt file.
                image.load()
                upright = ImageOps.exif_transpose(image) if image.getexif().get(0x0112, 1) != 1 else image
                width, height = upright.size
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(
            name, _("the image has more pixels than the limit of %(limit)s.") % {"limit": _pixels(max_pixels)}
        ) from None
    except UnidentifiedImageError:
        raise PhotoRefused(name, _("this is not a JPEG, PNG or WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoRefused(name, _("the image is damaged or truncated.")) from None
    if min(width, height) < min_side:
        raise PhotoRefused(
            name,
            _("the image is %(width)d×%(height)d pixels; photos need at least %(min)d on each side.")
            % {"width": width, "height": height, "min": min_side},
        )
    if not _ends_cleanly(data, fmt):
        raise PhotoRefused(
            name, _("the file has data after the end of the image (it may be another file in disguise).")
        )
    if _MARKUP.search(data):
        raise PhotoRefused(name, _("the file contains web page or script code."))
    return Inspected(format=fmt, width=width, height=height, bytes=len(data))
