"""The deployment files as an operator runs them: compose file, Dockerfile, gunicorn, docs.

No container engine runs here: the compose file is validated against the Compose
specification's JSON schema (shipped by check-jsonschema, Apache-2.0) and the Dockerfile
is parsed for its shape.
"""

import importlib.resources
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jsonschema
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_schema() -> dict:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "compose-spec.json").read_text())


def test_compose_file_is_valid_against_the_compose_specification():
    schema = compose_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)

    errors = sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.validators.validator_for(schema)(schema).iter_errors(compose())
    )

    assert errors == []


def test_schema_check_catches_a_broken_compose_file():
    """The validation can fail: a misspelt key and a wrong type are both reported."""
    broken = compose()
    broken["services"]["web"]["helthcheck"] = {}
    broken["services"]["redis"]["ports"] = "6379"
    schema = compose_schema()

    validator = jsonschema.validators.validator_for(schema)(schema)
    messages = [error.message for error in validator.iter_errors(broken)]

    assert any("'helthcheck' was unexpected" in message for message in messages)
    assert "'6379' is not of type 'array'" in messages


def test_every_service_waited_on_as_healthy_has_a_healthcheck():
    services = compose()["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], (name, dependency)


def test_stack_has_an_s3_store_a_bucket_init_and_a_ready_checked_web():
    services = compose()["services"]

    assert services["s3"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "s3-data:/data" in services["s3"]["volumes"]
    assert services["s3-init"]["command"] == ["python", "manage.py", "prepare_media_bucket"]
    assert "prepare_media_bucket" in get_commands()
    assert services["s3-init"]["depends_on"] == {"s3": {"condition": "service_healthy"}}
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["s3-init"] == {
            "condition": "service_completed_successfully"
        }
    assert "http://127.0.0.1:8000/health/ready/" in services["web"]["healthcheck"]["test"]
    env = services["web"]["environment"]
    assert env["AWS_S3_ENDPOINT_URL"] == "${AWS_S3_ENDPOINT_URL:-http://s3:8333}"


def test_named_volumes_are_declared():
    data = compose()
    used = {
        volume.split(":")[0]
        for service in data["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }

    assert used == set(data["volumes"]) == {"postgres-data", "redis-data", "s3-data"}


def test_required_compose_variables_are_in_env_example():
    """Each ${VAR:?...} the compose file demands is listed in .env.example."""
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", (ROOT / "docker-compose.yml").read_text()))
    listed = {
        line.split("=")[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }

    assert required == {
        "POSTGRES_PASSWORD",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    }
    assert required <= listed


def test_every_setting_read_from_the_environment_is_documented():
    """An operator finds every variable the settings read in docs/deploy.md."""
    pattern = re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"")
    read = {
        name
        for path in (ROOT / "cms" / "settings").glob("*.py")
        for name in pattern.findall(path.read_text())
    }
    # The test settings' own knobs (worker-kill tests and Redis database layout).
    read -= {"TEST_REDIS_DB_BASE", "CELERY_VISIBILITY_TIMEOUT"}
    documented = (ROOT / "docs" / "deploy.md").read_text()

    assert sorted(name for name in read if f"`{name}`" not in documented) == []


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_builds_a_non_root_gunicorn_image_from_pinned_requirements():
    instructions = dockerfile_instructions()
    kinds = [kind for kind, _ in instructions]

    assert kinds[0] == "FROM"
    assert re.fullmatch(r"python:3\.11-slim-\w+", instructions[0][1])
    runs = [arg for kind, arg in instructions if kind == "RUN"]
    assert any("pip install -r requirements/base.txt" in run for run in runs)
    assert any("collectstatic" in run for run in runs)
    user = [arg for kind, arg in instructions if kind == "USER"]
    assert user and user[-1] not in ("root", "0")
    # Nothing runs as root after the switch, and the server is the last word.
    assert "RUN" not in kinds[kinds.index("USER") :]
    cmd = json.loads(dict(instructions)["CMD"])
    assert cmd == ["gunicorn", "cms.wsgi:application"]
    assert ("EXPOSE", "8000") in instructions
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and "gunicorn.conf.py" not in ignored


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_listener(port: int) -> None:
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def test_gunicorn_config_logs_requests_as_json_without_client_details():
    """The image's web server, started with gunicorn.conf.py, prints one JSON line per request."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_listener(port)
        url = f"http://127.0.0.1:{port}/health/live/?secret=1"
        # The master accepts at once; the answer waits for the worker to boot.
        with urllib.request.urlopen(url, timeout=120) as response:
            assert response.status == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)

    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert len(access) == 1, output
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/health/live/"
    assert access[0]["status"] == "200"
    assert isinstance(access[0]["duration_ms"], int)
    assert "secret" not in json.dumps(access[0])
    assert "127.0.0.1" not in access[0]["message"]
    assert any(line["logger"] == "gunicorn.error" for line in lines)
