"""The partner API behind a real Varnish with the xkey module (cms/varnish/default.vcl).

Varnish (Debian's varnish and varnish-modules) runs on a loopback port in front of the live
test server; a real Celery worker sends the purges. After a publish, every URL that shows the
article answers the new text at every branch, and every other URL is still a Varnish hit.
"""

import json
import subprocess
import urllib.request

import pytest

from tests.processes import ROOT, free_port, port_open, start_celery_worker, stop, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def varnish(live_server, tmp_path):
    host, port = live_server.url.removeprefix("http://").split(":")
    vcl = (ROOT / "cms" / "varnish" / "default.vcl").read_text()
    vcl = vcl.replace('.host = "web";', f'.host = "{host}";').replace(
        '.port = "8000";', f'.port = "{port}";'
    )
    (tmp_path / "test.vcl").write_text(vcl)
    listen = free_port()
    process = subprocess.Popen(
        [
            "varnishd",
            "-F",
            "-j",
            "none",
            "-n",
            str(tmp_path / "varnish"),
            "-a",
            f"127.0.0.1:{listen}",
            "-f",
            str(tmp_path / "test.vcl"),
            "-s",
            "malloc,32m",
        ],
        stdout=open(tmp_path / "varnish.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: port_open(listen) or process.poll() is not None, "varnish to listen")
        assert process.poll() is None, (tmp_path / "varnish.log").read_text()
        yield f"http://127.0.0.1:{listen}"
    finally:
        stop(process)


@pytest.fixture
def purging_worker(varnish, settings, tmp_path):
    settings.HTTP_CACHE_PURGE_URLS = [varnish]
    worker = start_celery_worker(tmp_path, HTTP_CACHE_PURGE_URLS=varnish)
    yield worker
    stop(worker)


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.headers["X-Cache"], json.loads(response.read())


def test_a_publish_reaches_every_affected_url_and_leaves_the_rest_cached(
    world, varnish, purging_worker
):
    pages = f"{varnish}/api/v2/pages/"
    urls = {
        "north listing": f"{pages}?clinic=north&type=treatments.TreatmentPage&fields=summary",
        "south listing": f"{pages}?clinic=south&type=treatments.TreatmentPage&fields=summary",
        "north article": f"{pages}{world.north_alias.pk}/?clinic=north",
        "south article": f"{pages}{world.south_alias.pk}/?clinic=south",
        "north own": f"{pages}{world.north_own.pk}/?clinic=north",
        "clinics": f"{varnish}/api/v2/clinics/",
    }
    for url in urls.values():
        get(url)
    assert {name: get(url)[0] for name, url in urls.items()} == dict.fromkeys(urls, "HIT")

    world.article.summary = "Twice a week, now with a new text."
    world.article.save_revision().publish()

    def south_shows_the_new_text():
        return get(urls["south article"])[1]["summary"] == world.article.summary

    wait_for(south_shows_the_new_text, "the purge to reach Varnish")
    answers = {name: get(url) for name, url in urls.items()}
    summaries = {
        name: body.get("summary") or [item["summary"] for item in body.get("items", [])]
        for name, (_, body) in answers.items()
        if "own" not in name and name != "clinics"
    }
    assert summaries == {
        "north listing": [world.article.summary, world.north_own.summary],
        "south listing": [world.article.summary],
        "north article": world.article.summary,
        "south article": world.article.summary,
    }
    assert answers["north own"][0] == "HIT"
    assert answers["clinics"][0] == "HIT"


def test_random_order_is_never_served_from_varnish(world, varnish):
    listing = f"{varnish}/api/v2/pages/?clinic=north&order=random"
    assert [get(listing)[0] for _ in range(2)] == ["MISS", "MISS"]
