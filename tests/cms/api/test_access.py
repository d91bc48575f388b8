"""Who may call the API how often, and from which browser origins."""

import pytest

PAGES = "/api/v2/pages/?clinic=north"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def test_anonymous_clients_are_throttled_per_address(client, north, settings):
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "partner": "100/minute"}

    statuses = [client.get(PAGES).status_code for _ in range(4)]
    other_address = client.get(PAGES, REMOTE_ADDR="10.0.0.9")

    assert statuses == [200, 200, 200, 429]
    assert other_address.status_code == 200


def test_a_throttled_answer_says_when_to_retry(client, north, settings):
    settings.API_THROTTLE_RATES = {"anon": "1/minute", "partner": "none"}
    client.get(PAGES)

    response = client.get(PAGES)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["message"].startswith("Request was throttled.")


def test_partners_have_their_own_allowance(client, north, settings):
    settings.API_PARTNER_KEYS = {"acme": "acme-key", "beta": "beta-key"}
    settings.API_THROTTLE_RATES = {"anon": "1/minute", "partner": "2/minute"}

    anonymous = [client.get(PAGES).status_code for _ in range(2)]
    acme = [client.get(PAGES, HTTP_X_API_KEY="acme-key").status_code for _ in range(3)]
    beta = client.get(PAGES, HTTP_X_API_KEY="beta-key")

    assert anonymous == [200, 429]
    assert acme == [200, 200, 429]
    assert beta.status_code == 200


def test_a_wrong_partner_key_is_401(client, north, settings):
    settings.API_PARTNER_KEYS = {"acme": "acme-key"}

    response = client.get(PAGES, HTTP_X_API_KEY="guess")

    assert response.status_code == 401
    assert response.json() == {"message": "unknown API key"}


def test_cors_allows_configured_partner_origins_only(client, north, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.com"]

    allowed = client.get(PAGES, HTTP_ORIGIN="https://partner.example.com")
    other = client.get(PAGES, HTTP_ORIGIN="https://evil.example.net")
    preflight = client.options(
        PAGES,
        HTTP_ORIGIN="https://partner.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert allowed["Access-Control-Allow-Origin"] == "https://partner.example.com"
    assert "Access-Control-Allow-Origin" not in other
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://partner.example.com"
    assert "origin" in allowed["Vary"].lower()


def test_cors_lets_browser_clients_send_keys_and_revalidate(client, north, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.com"]
    settings.API_PARTNER_KEYS = {"acme": "acme-key"}
    origin = {"HTTP_ORIGIN": "https://partner.example.com"}

    preflight = client.options(
        PAGES,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key, if-none-match",
        **origin,
    )
    answer = client.get(PAGES, HTTP_X_API_KEY="acme-key", **origin)
    revalidated = client.get(PAGES, HTTP_IF_NONE_MATCH=answer["ETag"], **origin)

    allowed = {h.strip() for h in preflight["Access-Control-Allow-Headers"].split(",")}
    assert {"x-api-key", "if-none-match", "if-modified-since"} <= allowed
    exposed = {h.strip() for h in answer["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"ETag", "Last-Modified", "Retry-After"}
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        PAGES,
        "/api/v2/clinics/",
        "/api/v2/images/",
        "/api/v2/documents/",
        "/api/v2/pages/find/?clinic=north&html_path=/",
        "/api/schema/",
        "/api/docs/",
    ],
)
def test_every_public_endpoint_is_rated_and_rotating_x_forwarded_for_does_not_help(
    client, north, settings, url
):
    """One address per client (cms.http.client_address): a new X-Forwarded-For per request
    is still the same client, directly and behind one trusted proxy."""
    settings.API_THROTTLE_RATES = {"anon": "2/minute", "partner": "none"}

    direct = [client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = [
        client.get(
            url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
        ).status_code
        for n in range(3)
    ]

    assert direct[2] == 429 and proxied[2] == 429
    assert 429 not in direct[:2] + proxied[:2]
