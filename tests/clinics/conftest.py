import re

import pytest
from django.test import Client

from tests.factories import ClinicalReviewerFactory, UserFactory, World, build_world
from treatments.governance.services import sync_reviewers_group


@pytest.fixture
def world(db) -> World:
    """North and South, each with an article of its own, on the hostnames these tests name."""
    return build_world(
        article=("Dry needling (IMS)", "ims"),
        hostnames=("north.test", "south.test"),
        north_own=("North sports massage", "massage"),
        south_own=("South cupping", "cupping"),
    )


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class BrowserClient:
    """A signed-in client that checks CSRF and sends the token as a browser's form does.

    Each POST takes the token from the page the form is on (``form_url``, else the admin's
    dashboard), so a refused request is refused for its rights, not for a missing token.
    """

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.token = ""

    def get(self, url, data=None, **extra):
        response = self.client.get(url, data, **extra)
        found = CSRF_INPUT.search(response.content.decode(errors="replace"))
        if found:
            self.token = found.group(1)
        return response

    def _ensure_token(self, form_url):
        if form_url or not self.token:
            self.get(form_url or "/admin/")
        if not self.token:
            self.token = self.client.cookies["csrftoken"].value

    def post(self, url, data=None, *, form_url=None, **extra):
        """A form post: the token in the body."""
        self._ensure_token(form_url)
        return self.client.post(url, {**(data or {}), "csrfmiddlewaretoken": self.token}, **extra)

    def post_json(self, url, data=None, *, form_url=None):
        """What the admin's JavaScript sends: JSON with the token in X-CSRFToken."""
        self._ensure_token(form_url)
        return self.client.post(
            url, data or {}, content_type="application/json", headers={"X-CSRFToken": self.token}
        )


@pytest.fixture
def as_user():
    """``as_user(user)``: a BrowserClient signed in as ``user``."""
    return BrowserClient


@pytest.fixture
def reviewer(db):
    """The clinical reviewer, whose approval is every workflow's last step."""
    reviewer = ClinicalReviewerFactory(user=UserFactory(username="clinical-reviewer"))
    sync_reviewers_group()
    return reviewer
