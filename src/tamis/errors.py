"""The exceptions tamis raises on purpose, so each interface can answer a person clearly.

    TamisError                      base; `status` is the HTTP status the API answers with
    ├── InvalidInput (400/422)      the request is wrong; the message says what to change
    │   ├── PolicyError             a policy file is invalid; names the line at fault
    │   ├── TooLarge (413)          over a configured limit; names the limit
    │   └── UnsupportedMedia (415)  a file tamis cannot read, or not the kind it claims
    ├── AuthError (401)             no key, unknown or revoked key
    ├── Forbidden (403)             the key lacks the scope the route needs
    ├── NotFound (404)              no such thing *in this tenant*
    ├── Conflict (409)              clashes with what is stored (e.g. an idempotency key reused)
    └── ConfigurationError (500)    the operator's setup is wrong; raised at start-up

Anything else escaping a request is a bug: the API logs it (ids only) and answers 500.
"""

from __future__ import annotations


class TamisError(Exception):
    status: int = 500
    title: str = "Internal error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(TamisError):
    status = 422
    title = "Invalid input"


class PolicyError(InvalidInput):
    title = "Invalid policy"

    def __init__(self, message: str, *, line: int | None = None, source: str = "policy") -> None:
        where = f"{source}, line {line}: " if line is not None else f"{source}: "
        super().__init__(where + message)
        self.line = line


class TooLarge(InvalidInput):
    status = 413
    title = "Request too large"


class UnsupportedMedia(InvalidInput):
    status = 415
    title = "Unsupported media"


class AuthError(TamisError):
    status = 401
    title = "Unauthorized"


class Forbidden(TamisError):
    status = 403
    title = "Forbidden"


class NotFound(TamisError):
    status = 404
    title = "Not found"


class Conflict(TamisError):
    status = 409
    title = "Conflict"


class ConfigurationError(TamisError):
    title = "Configuration error"
