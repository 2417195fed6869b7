"""gzip for what compresses: pages, fragments, JSON, CSV, CSS and JavaScript (a 54 KB search page
travels as about 9 KB). Photos (WebP, AVIF) are compressed already and are passed as they are, byte
ranges and all. Nothing in front of the app compresses for it (compose.yaml has no proxy), and buyers
pay for every byte on slow mobile data.

Django's GZipMiddleware, so its BREACH mitigation (random bytes in each gzip header, Django >= 4.2)
comes with it; it already skips small bodies, responses encoded already (whitenoise's .gz files) and
clients that do not accept gzip.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/problem+json", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
