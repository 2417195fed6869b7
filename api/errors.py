"""One shape for every API error: {"error": {"code", "message", "fields"}}, never a stack trace."""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from elastic_transport import ConnectionError as EngineConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, TransportError
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from search.executor import EngineUnavailable, SearchFailed

log = logging.getLogger(__name__)


class SearchUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Search is temporarily unavailable. Please retry in a few seconds."
    default_code = "search_unavailable"


class SearchRejected(APIException):
    """The engine refused a query we built: our defect, reported as a bad gateway, logged in full."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "The search could not be run. It has been logged; please try a simpler query."
    default_code = "search_failed"


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and prefix:
                name = prefix
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "request": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix or "request": [str(detail)]}


def api_exception_handler(exc, context):
    if isinstance(exc, (EngineConnectionError, ConnectionTimeout, TransportError)) and not isinstance(exc, ApiError):
        log.warning("search engine unreachable: %s", exc)
        exc = SearchUnavailable()
    elif isinstance(exc, ApiError) and exc.meta.status in (429, 502, 503, 504):
        log.warning("search engine overloaded: %s", exc)
        exc = SearchUnavailable()
    elif isinstance(exc, EngineUnavailable):
        log.warning("search engine cannot serve: %s", exc)
        exc = SearchUnavailable()
    elif isinstance(exc, SearchFailed):
        log.error("search engine rejected a query: %s", exc)
        exc = SearchRejected()
    elif isinstance(exc, Http404):
        # get_object_or_404 says "No ApiToken matches the given query.": the model is none of a client's business.
        exc = NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        fields = _flatten(exc.detail)
        first_field, messages = next(iter(fields.items()))
        body = {"error": {"code": "invalid_parameter", "message": f"{first_field}: {messages[0]}", "fields": fields}}
    else:
        detail = exc.detail if isinstance(exc, APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else code
        body = {"error": {"code": code, "message": str(detail)}}
    return Response(body, status=response.status_code, headers=dict(response.headers))


def server_error(request):
    """The 500 of any /api/ address (an uncaught error, logged by Django with its traceback) in the error
    shape: a client parses every answer the same way, and no HTML page or trace reaches it."""
    message = "Something went wrong on our side. It has been logged; please retry later."
    return JsonResponse({"error": {"code": "server_error", "message": message}}, status=500)


def not_found(request):
    """The 404 of an /api/ address that names no endpoint, in the error shape."""
    return JsonResponse({"error": {"code": "not_found", "message": str(NotFound.default_detail)}}, status=404)


# --- The error envelope in the OpenAPI schema ------------------------------------------------------
ERROR_RESPONSES = {
    "400": "Invalid input: error.fields names each parameter or field and what is wrong with it.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not one of yours.",
    "429": "Too many requests from this client; retry after the Retry-After header's seconds.",
    "503": "A service behind this one (the search engine, a payment provider) is unavailable; retry shortly.",
}
ERROR_ENVELOPE = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, machine-readable: invalid_parameter, throttled, ...",
                },
                "message": {"type": "string", "description": "For people: what went wrong and how to fix it."},
                "fields": {
                    "type": "object",
                    "description": "400 only: each invalid parameter or field and its messages.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: the error envelope, and the error answers of every
    operation, documented once here rather than on each view."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_ENVELOPE
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
            if "429" in responses:
                responses["429"].setdefault("headers", {})["Retry-After"] = {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before retrying.",
                }
    return result
