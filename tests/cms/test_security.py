"""Sign-in lockout (django-axes) and the Content-Security-Policy, over HTTP as a browser sends
its requests: the sign-in form's CSRF token included."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

LOGIN = "/admin/login/"
PASSWORD = "the-right-pass-123"


@pytest.fixture
def lockout(settings):
    """django-axes on, as in every deployment (the test settings turn it off)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return UserFactory(username="editor", password=PASSWORD, is_superuser=True)


def sign_in(client: Client, password: str, **extra):
    """GET the form for its CSRF token, then POST it as the browser does."""
    form = client.get(LOGIN, **extra)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return client.post(
        LOGIN,
        {
            "username": "editor",
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
        **extra,
    )


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_forty_wrong_passwords_lock_the_address_out_and_the_right_one_is_refused(lockout):
    """The 5th failure locks the address for 15 minutes: wrong guesses and then the right
    password are answered 429 with a clear page, and nobody is signed in."""
    client = Client(enforce_csrf_checks=True)
    answers = [sign_in(client, f"wrong-{n}").status_code for n in range(40)]

    assert answers == [200] * 4 + [429] * 36
    refused = sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your address." in refused.text
    assert "Try again in 15 minutes" in refused.text
    assert not signed_in(client)


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off_or_when_an_operator_lifts_it(lockout):
    client = Client(enforce_csrf_checks=True)
    for n in range(5):
        sign_in(client, f"wrong-{n}")
    assert sign_in(client, PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert sign_in(client, PASSWORD).status_code == 302
    assert signed_in(client)

    other = Client(enforce_csrf_checks=True)
    for n in range(5):
        sign_in(other, f"wrong-{n}")
    call_command("axes_reset", verbosity=0)
    assert sign_in(other, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_new_x_forwarded_for_per_request_does_not_escape_the_lockout(lockout):
    """With no trusted proxy the header is ignored, as for every API rate (cms/http.py)."""
    client = Client(enforce_csrf_checks=True)
    for n in range(5):
        sign_in(client, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_client(lockout, settings):
    """One client locked out behind the load balancer leaves the others signing in."""
    settings.TRUSTED_PROXY_COUNT = 1
    guesser, editor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for n in range(5):
        sign_in(guesser, f"wrong-{n}", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert sign_in(guesser, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert sign_in(editor, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_forgets_earlier_typos(lockout):
    client = Client(enforce_csrf_checks=True)
    for n in range(4):
        sign_in(client, f"typo-{n}")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()

    for n in range(4):
        assert sign_in(client, f"typo-again-{n}").status_code == 200


STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.django_db
def test_the_sign_in_page_the_api_docs_and_the_api_get_the_strict_policy(client, north):
    for url in (LOGIN, "/admin/password_reset/", "/api/docs/", "/api/v2/pages/?clinic=north"):
        response = client.get(url)

        assert response.status_code == 200, url
        assert directives(response) == STRICT, url


@pytest.mark.django_db
def test_signed_in_admin_pages_may_run_wagtails_inline_scripts_and_nothing_else(client):
    """Wagtail's edit forms need inline script; other origins stay shut."""
    client.force_login(UserFactory(is_superuser=True))

    found = directives(client.get("/admin/pages/"))

    assert found["script-src"] == "'self' 'unsafe-inline'"
    assert found == {**directives(client.get(LOGIN)), "script-src": "'self' 'unsafe-inline'"}
