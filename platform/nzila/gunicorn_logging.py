"""gunicorn's logger with callback tokens and verify tokens cut out of the access log (`--logger-class`)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from .redaction import redact


class RedactingLogger(Logger):
    # The access-log atoms that carry the URL: the request line, the path, the query string.
    URL_ATOMS = ("r", "U", "q", "{raw_uri}e", "{path_info}e", "{query_string}e")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in self.URL_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
