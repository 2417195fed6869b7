"""Pages are gzipped for clients that accept it; photos pass as they are. No server."""

from __future__ import annotations

import gzip

from django.http import HttpResponse
from django.test import RequestFactory

from nzila.compression import TextGZipMiddleware

PAGE = "<li class=card>Toyota Hilux</li>" * 200


def _through(body: bytes, content_type: str, accept: str = "gzip") -> HttpResponse:
    request = RequestFactory().get("/", headers={"accept-encoding": accept})
    return TextGZipMiddleware(lambda r: HttpResponse(body, content_type=content_type))(request)


def test_a_page_is_gzipped_and_decodes_to_itself():
    response = _through(PAGE.encode(), "text/html; charset=utf-8")
    assert response["Content-Encoding"] == "gzip" and len(response.content) < len(PAGE) / 10
    assert gzip.decompress(response.content).decode() == PAGE


def test_photos_and_clients_without_gzip_get_the_bytes_as_they_are():
    photo = bytes(range(256)) * 10
    assert not _through(photo, "image/webp").has_header("Content-Encoding")
    assert not _through(PAGE.encode(), "text/html", accept="identity").has_header("Content-Encoding")
