"""Wagtail's own API v2 test cases, read from the installed package and replayed over HTTP.

Each ``test_*`` method of ``wagtail/api/v2/tests/test_{pages,images,documents}.py`` is read
with ``ast``: the requests it sends through its class's ``get_response`` (listing, detail or
find) or ``self.client.get(reverse(...))``, with their literal query parameters, and the status
codes it asserts. The requests go to our endpoints for one clinic of the demo data: Wagtail's
test app ids and page types are mapped onto ours (``ID_STANDIN``, ``TYPES``); a value the test
computes at run time becomes a page or media id we have. A test *matches* when every answer
has a status it asserts (200 or, for ``find``, 302 when it asserts none).

This replays requests, not the test bodies: their assertions about Wagtail's demo content
(blog entries, events, carousel items) cannot hold for ours.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import wagtail

TESTS = Path(wagtail.__file__).parent / "api" / "v2" / "tests"
MODULES = {"pages": "test_pages.py", "images": "test_images.py", "documents": "test_documents.py"}
TYPES = {
    "demosite.BlogEntryPage": "treatments.TreatmentPage",
    "demosite.EventPage": "treatments.TreatmentPage",
    "demosite.BlogIndexPage": "treatments.TreatmentIndexPage",
    "demosite.EventIndexPage": "treatments.TreatmentIndexPage",
    "demosite.HomePage": "clinics.ClinicHomePage",
    "demosite.StandardPage": "treatments.TreatmentPage",
}


@dataclass
class Request:
    endpoint: str  # pages, images, documents
    view: str  # listing, detail, find
    params: dict
    detail_id: object = None  # literal id, or None when computed at run time


@dataclass
class WagtailTest:
    module: str
    name: str
    requests: list[Request] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None  # computed at run time


def _reverse_target(node) -> tuple[str, str, object] | None:
    """``reverse("wagtailapi_v2:pages:detail", args=(8,))`` -> ("pages", "detail", 8)."""
    if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "reverse"):
        return None
    name = _literal(node.args[0]) if node.args else None
    if not isinstance(name, str) or not name.startswith("wagtailapi_v2:"):
        return None
    parts = name.split(":")
    if len(parts) != 3 or parts[1] not in MODULES:
        return None
    detail_id = None
    for keyword in node.keywords:
        if keyword.arg == "args":
            args = _literal(keyword.value)
            detail_id = args[0] if args else None
    return parts[1], parts[2], detail_id


def _params(call: ast.Call, skip_positional: int) -> dict:
    params = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            continue
        value = _literal(keyword.value)
        params[keyword.arg] = value
    extra = call.args[skip_positional:]
    if extra and isinstance(extra[0], ast.Dict):
        for key, value in zip(extra[0].keys, extra[0].values, strict=True):
            name = _literal(key)
            if isinstance(name, str):
                params[name] = _literal(value)
    return params


def _helper_views(cls: ast.ClassDef) -> dict[str, tuple[str, str, bool]]:
    """The class's ``get_response`` helper: which endpoint and view, and whether it takes an id."""
    helpers = {}
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == "get_response":
            for node in ast.walk(item):
                target = _reverse_target(node)
                if target:
                    takes_id = len(item.args.args) > 1
                    helpers["get_response"] = (target[0], target[1], takes_id)
    return helpers


def read_tests() -> list[WagtailTest]:
    found = []
    for module in MODULES.values():
        tree = ast.parse((TESTS / module).read_text())
        for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            helpers = _helper_views(cls)
            for method in cls.body:
                if isinstance(method, ast.FunctionDef) and method.name.startswith("test_"):
                    found.append(_read_method(module, cls.name, method, helpers))
    return found


def _read_method(module, cls_name, method, helpers) -> WagtailTest:
    test = WagtailTest(module, f"{cls_name}.{method.name}")
    for node in ast.walk(method):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get_response" and helpers:
            endpoint, view, takes_id = helpers["get_response"]
            detail_id = _literal(node.args[0]) if takes_id and node.args else None
            skip = 1 if takes_id else 0
            test.requests.append(Request(endpoint, view, _params(node, skip), detail_id))
        elif isinstance(func, ast.Attribute) and func.attr == "get" and node.args:
            target = _reverse_target(node.args[0])
            if target:
                endpoint, view, detail_id = target
                test.requests.append(Request(endpoint, view, _params(node, 1), detail_id))
        elif isinstance(func, ast.Attribute) and func.attr == "assertEqual" and len(node.args) == 2:
            left, right = node.args
            if getattr(left, "attr", "") == "status_code" and isinstance(_literal(right), int):
                test.statuses.add(_literal(right))
    return test


ID_PARAMETERS = ("id", "child_of", "descendant_of", "ancestor_of", "translation_of")
MISSING_ID = 999999


def url_for(request: Request, ids: dict[str, list[int]]) -> str:
    """Our URL for a Wagtail test request: types mapped, run-time values replaced by our ids."""
    params = {}
    our_ids = {pk for values in ids.values() for pk in values}
    for name, value in request.params.items():
        if name == "type" and isinstance(value, str):
            value = ",".join(TYPES.get(part, part) for part in value.split(","))
        if value is None:  # computed by the test at run time: one of our ids, or a field
            value = "-title" if name == "fields" else ids[request.endpoint][0]
        elif name in ID_PARAMETERS and str(value).isdigit() and int(value) not in our_ids:
            # An id of Wagtail's test app: never one of ours, whatever ids this run has.
            value = MISSING_ID
        params[name] = value
    base = f"/api/v2/{request.endpoint}/"
    if request.view == "detail":
        detail_id = request.detail_id
        if not isinstance(detail_id, int) or detail_id not in ids[request.endpoint]:
            detail_id = ids[request.endpoint][0]
        base += f"{detail_id}/"
    elif request.view == "find":
        base += "find/"
    query = urlencode(params, doseq=True)
    return base + ("?" + query if query else "")
