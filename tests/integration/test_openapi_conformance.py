"""Every answer the API gives is one its OpenAPI document describes.

A platform generates its client from `/openapi.json`; an error status or body the document
does not describe is one that client cannot read. Schemathesis draws requests from the
document itself (valid ones, and ones that break its constraints) and sends them through the
ASGI app on a real SQLite file, with a working key; each answer must not be a 5xx, and its
status, content type, headers and body must be what the document says.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.conftest import Api
from tests.integration.test_access_matrix import ROUTES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("method", "path"), [pytest.param(*r, id=" ".join(r)) for r in sorted(ROUTES)]
)
def test_every_answer_is_one_the_document_describes(api: Api, method: str, path: str) -> None:
    operation = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    def answer(case: Any) -> None:
        case.call_and_validate(headers=api.auth(), checks=CHECKS)

    answer()
