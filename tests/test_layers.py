"""The code's dependency direction: each module imports only its own layer or the ones below.

Bottom to top: ``cms`` settings and media base; ``treatments`` (the articles); ``clinics`` (the
branches that carry them); the partner API, URLs, the demo loader and the app config that wires
the API's receivers. Read from the source with ``ast``, lazy imports inside functions included,
so a cycle or an upward import fails here before it confuses a reader.
"""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS = ("cms", "treatments", "clinics")
TOP = (
    "cms.api",
    "cms.urls",
    "cms.demo",
    "cms.apps",
    "cms.wagtail_hooks",
    "cms.management.commands.load_demo",
    "cms.management.commands.rebuild_delivery_documents",
)
LAYER_NAMES = ["cms base", "treatments", "clinics", "API, URLs and demo"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for app in APPS for path in (REPO / app).rglob("*.py")}


def layer(module: str) -> int:
    if any(module == top or module.startswith(top + ".") for top in TOP):
        return 3
    return APPS.index(module.split(".")[0])


def imported_modules(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules ``module`` imports: ``from pkg import mod`` counts as ``pkg.mod``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    known = project_modules()
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def test_no_module_imports_a_layer_above_its_own():
    upward = [
        f"{importer} ({LAYER_NAMES[layer(importer)]}) imports {imported} "
        f"({LAYER_NAMES[layer(imported)]})"
        for importer, imports in import_graph().items()
        for imported in imports
        if layer(imported) > layer(importer)
    ]
    assert upward == []


def test_no_import_cycle_between_modules():
    graph = import_graph()
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_walk_sees_the_layers():
    """The check above would pass vacuously if it found no imports: it must see real ones."""
    graph = import_graph()
    assert "treatments.models" in graph["clinics.services"]
    assert "cms.sites" in graph["cms.api.filters"]
    assert "clinics.models" in graph["cms.api.clinics"]
