"""Project modules are imported at the top of a module, where the layer contracts see them.

An import inside a function body is how a cycle between apps hides: it runs
late enough not to fail, and it reads as if the two modules did not depend on
each other. `./dev lint` checks the layers (import-linter in pyproject.toml);
this test keeps the imports where that check, and a reader, can see them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import agencydesk

PACKAGE = Path(agencydesk.__file__).resolve().parent

# Where a late import is the design, not a hidden cycle.
EXEMPT_FILES = {
    # The command line is imported before django.setup(): models cannot be
    # imported until the chosen command has configured Django.
    "cli.py",
}
EXEMPT_DIRS = {"tests", "migrations", "settings"}

# Function-level imports of project modules that are known and waiting to move: none
# left (issue 10 moved the last ones). A line added here must name its way out.
KNOWN: set[tuple[str, str, str]] = set()


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The project modules ``node`` imports, relative ones resolved against ``module``."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level:
        base = module.split(".")[: -node.level]
        names = [".".join([*base, node.module] if node.module else base)]
    else:
        names = [node.module or ""]
    return [name for name in names if name == "agencydesk" or name.startswith("agencydesk.")]


def late_imports(source: str, *, module: str, is_apps: bool) -> list[tuple[str, str]]:
    """(function, imported module) for every project import inside a function body.

    ``AppConfig.ready`` is spared in an ``apps.py``: filling the registries of
    lower apps there is how a higher app plugs in without a cycle.
    """
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if is_apps and child.name == "ready":
                    continue
                visit(child, child.name)
                continue
            if function is not None and isinstance(child, ast.Import | ast.ImportFrom):
                found.extend((function, name) for name in _imported(child, module))
            visit(child, function)

    visit(ast.parse(source), None)
    return found


def _package_late_imports() -> set[tuple[str, str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.as_posix() in EXEMPT_FILES or EXEMPT_DIRS & set(relative.parts[:-1]):
            continue
        module = ".".join(["agencydesk", *relative.with_suffix("").parts])
        for function, name in late_imports(
            path.read_text(encoding="utf-8"), module=module, is_apps=path.name == "apps.py"
        ):
            found.add((relative.as_posix(), function, name))
    return found


def test_no_project_module_is_imported_inside_a_function():
    new = sorted(_package_late_imports() - KNOWN)
    assert new == [], (
        "Import these at the top of the module; if that makes a cycle, break it "
        "(move the code to the lower app, a registry filled in AppConfig.ready, "
        f"or a TYPE_CHECKING import for a type hint): {new}"
    )


def test_the_known_late_imports_are_all_still_there():
    gone = sorted(KNOWN - _package_late_imports())
    assert gone == [], f"These imports are gone: delete them from KNOWN: {gone}"


def test_the_scan_sees_late_imports_and_spares_ready_and_other_packages():
    source = """
from agencydesk.clients.models import Client
import json

def record(x):
    from agencydesk.messaging import services
    import agencydesk.commitments.clock
    from .models import Message
    import json as late_json
    from django.db import transaction

class MessagingConfig:
    def ready(self):
        from agencydesk.calendars.services import RECOMPUTERS

    def other(self):
        def inner():
            from agencydesk.accounts.models import User
"""
    found = late_imports(source, module="agencydesk.messaging.views", is_apps=True)
    assert found == [
        ("record", "agencydesk.messaging"),
        ("record", "agencydesk.commitments.clock"),
        ("record", "agencydesk.messaging.models"),
        ("inner", "agencydesk.accounts.models"),
    ]
    assert ("ready", "agencydesk.calendars.services") in late_imports(
        source, module="agencydesk.messaging.views", is_apps=False
    )
