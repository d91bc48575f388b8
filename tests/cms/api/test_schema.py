"""The OpenAPI document: served, browsable, and no input it allows (or breaks) gets a 500.

Schemathesis generates requests for every public operation from the served document, valid
and invalid ones, and sends them straight to the WSGI app with seeded content in place. The
examples are bounded and derandomized so the run is repeatable and takes well under a minute.
"""

import datetime

import pytest
import schemathesis
from django.core import signing
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from wagtail.models import Site

from clinics.models import ClinicSettings
from cms.api.sync import SALT as SYNC_SALT
from cms.demo import load_seed_article

SCHEMA_URL = "/api/schema/"
EXAMPLES_PER_OPERATION = 100
STATEFUL_EXAMPLES = 25

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
        "/api/v2/sync/",
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


def settings_for_schemathesis(settings) -> None:
    settings.API_THROTTLE_RATES = {"anon": "none", "partner": "none"}
    settings.ALLOWED_HOSTS = ["*"]


OPERATIONS = [
    "GET /api/v2/clinics/",
    "GET /api/v2/clinics/{slug}/",
    "GET /api/v2/documents/",
    "GET /api/v2/documents/find/",
    "GET /api/v2/documents/{id}/",
    "GET /api/v2/images/",
    "GET /api/v2/images/find/",
    "GET /api/v2/images/{id}/",
    "GET /api/v2/pages/",
    "GET /api/v2/pages/find/",
    "GET /api/v2/pages/{id}/",
    "POST /api/v2/pages/{id}/read/",
    "GET /api/v2/pages/{id}/reads/",
    "GET /api/v2/sync/",
]


@pytest.mark.schemathesis
@pytest.mark.django_db
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_document_is_exact(seeded, wsgi_app, settings, read_buffer, label):
    """Schemathesis's default checks, 100 valid and 100 invalid requests per operation: no
    500, every status and shape documented, every valid request accepted and every invalid one
    refused. One test per operation, so that xdist's workers share them."""
    settings_for_schemathesis(settings)
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operations = {op.label: op for op in (r.ok() for r in schema.get_all_operations())}
    assert sorted(operations) == sorted(OPERATIONS)

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        run_operation(operations[label], mode)


def issued_token(case, mode) -> None:
    """A valid sync token is one the API signed, which no generator can make: a well-formed
    request carries a token issued for the seeded clinic (invalid ones stay as generated)."""
    if mode == GenerationMode.POSITIVE and case.query and "token" in case.query:
        site = Site.objects.get(hostname="north.example.org")
        case.query["token"] = signing.dumps({"s": site.pk, "a": 0}, salt=SYNC_SALT)


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
        issued_token(case, mode)
        case.call_and_validate()  # every default check

    try:
        check()
    except Unsatisfiable:
        # No invalid request exists for an operation without parameters (the clinics listing).
        assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.mark.schemathesis
@pytest.mark.django_db
def test_following_the_documents_links_keeps_it_exact(seeded, wsgi_app, settings, read_buffer):
    """Stateful: listings, then the details and read histories their links lead to."""
    settings_for_schemathesis(settings)
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)

    class Clients(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            issued_token(case, GenerationMode.POSITIVE)  # stateful runs send valid requests
            return {"headers": {"Host": "north.example.org"}}

    Clients.run(
        settings=hypothesis_settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
