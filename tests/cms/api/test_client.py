"""A client generated from the served OpenAPI document (openapi-python-client) works.

The partner's way in: generate a typed client from ``/api/schema/`` and call it. It must read
a listing, a detail and an error into its models, which only works if the document says
exactly what the server answers.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

CONFIG = "post_hooks: []\npackage_name_override: clinic_client\n"


def generate_client(transport, directory: Path):
    with httpx.Client(transport=transport, base_url="http://north.example.org") as http:
        schema = http.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    (directory / "schema.json").write_bytes(schema.content)
    (directory / "config.yml").write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [
            str(generator),
            *("generate", "--path", "schema.json", "--config", "config.yml"),
            *("--meta", "none", "--output-path", "clinic_client"),
        ],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(directory))
    try:
        return importlib.import_module("clinic_client")
    finally:
        sys.path.remove(str(directory))


def test_a_generated_client_reads_a_listing_a_detail_and_an_error(
    world, wsgi_app, settings, tmp_path
):
    settings.API_PARTNER_KEYS = {"acme": "acme-key"}
    transport = httpx.WSGITransport(app=wsgi_app)
    package = generate_client(transport, tmp_path)
    pages_list = importlib.import_module("clinic_client.api.pages.pages_list")
    pages_detail = importlib.import_module("clinic_client.api.pages.pages_detail")
    page_types = importlib.import_module("clinic_client.models.pages_list_type")
    api = package.AuthenticatedClient(
        base_url="http://north.example.org",
        token="acme-key",
        prefix="",
        auth_header_name="X-API-Key",
        httpx_args={"transport": transport},
    )

    listing = pages_list.sync(
        client=api, type_=page_types.PagesListType.TREATMENTS_TREATMENTPAGE, fields="title"
    )
    detail = pages_detail.sync(id=world.north_alias.pk, client=api)
    error = pages_list.sync_detailed(client=api, clinic="nowhere")

    assert listing.meta.total_count == 2
    assert [item.title for item in listing.items] == ["Dry needling", "Cupping"]
    assert detail.id == world.north_alias.pk
    assert detail.title == "Dry needling"
    assert detail.meta.alias_of.id == world.article.pk
    assert detail.meta.detail_url == (
        f"http://north.example.org/api/v2/pages/{world.north_alias.pk}/"
    )
    assert error.status_code == 404
    assert error.parsed.message == "unknown clinic: 'nowhere'"
