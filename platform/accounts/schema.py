"""How the OpenAPI schema (drf-spectacular) describes our API token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token made on /accounts/tokens/ or with POST /api/v1/auth/tokens, sent as "
                "`Authorization: Token nzila_...`. It may do what its holder's roles allow when it was made."
            ),
        }
