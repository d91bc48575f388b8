"""The OpenAPI document: served, browsable, and no input it allows (or breaks) gets a 500.

Schemathesis generates requests for every public operation from the served document, valid
and invalid ones, and sends them straight to the WSGI app with seeded content in place. The
examples are bounded and derandomized so the run is repeatable and takes well under a minute.
"""

import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clinics.models import ClinicSettings
from cms.demo import load_seed_article

SCHEMA_URL = "/api/schema/"
EXAMPLES_PER_OPERATION = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.mark.django_db
def test_schema_documents_every_public_endpoint(client):
    response = client.get(SCHEMA_URL, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == [
        "/api/v2/clinics/",
        "/api/v2/clinics/{slug}/",
        "/api/v2/documents/",
        "/api/v2/documents/find/",
        "/api/v2/documents/{id}/",
        "/api/v2/images/",
        "/api/v2/images/find/",
        "/api/v2/images/{id}/",
        "/api/v2/pages/",
        "/api/v2/pages/find/",
        "/api/v2/pages/{id}/",
        "/api/v2/pages/{id}/read/",
        "/api/v2/pages/{id}/reads/",
    ]
    article = schema["components"]["schemas"]["Page"]["properties"]
    for field in ("summary", "body", "session_guidance", "conditions", "read_count"):
        assert field in article
    assert schema["components"]["securitySchemes"]["partnerKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }


@pytest.mark.django_db
def test_docs_page_renders_the_schema(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "redoc" in html.lower()
    assert SCHEMA_URL in html


@pytest.fixture
def seeded(library, north, offer):
    """The seed article offered at one branch, with settings, for requests to find."""
    article, _ = load_seed_article()
    offer(article, north.index)
    ClinicSettings.objects.create(
        site=north.site,
        name="North",
        opening_hours=[
            (
                "day",
                {
                    "weekday": "mon",
                    "opens": datetime.time(9),
                    "closes": datetime.time(17),
                    "closed": False,
                },
            )
        ],
    )
    return north.site


@pytest.fixture
def wsgi_app():
    """Django's WSGI app on the test's own connection (as Django's test client keeps it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_generated_request_gets_a_server_error(seeded, wsgi_app, settings):
    """Valid and invalid requests to every operation: documented statuses, shapes, no 500."""
    settings.API_THROTTLE_RATES = {"anon": "none", "partner": "none"}
    settings.ALLOWED_HOSTS = ["*"]
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode)


def run_operation(operation, mode) -> None:
    """Hypothesis reports the smallest failing request it finds."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.headers = {**(case.headers or {}), "Host": "north.example.org"}
        case.validate_response(case.call(), checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        # No invalid request exists for an operation without parameters (the clinics listing).
        assert mode == GenerationMode.NEGATIVE, operation.label
