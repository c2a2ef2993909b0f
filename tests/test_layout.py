"""The layout the README describes: names that match, and rules kept in their one home."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "techpulse"
BLUEPRINTS = ("admin", "auth", "blog", "company", "contact")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_services_and_the_policy_never_import_a_blueprint_package():
    paths = [*sorted((PACKAGE / "services").glob("*.py")), PACKAGE / "policy.py"]
    offenders = {
        path.name: sorted(m for m in imported_modules(path)
                          if m.split(".")[:2] in (["techpulse", b] for b in BLUEPRINTS))
        for path in paths
    }  # fmt: skip
    assert {name: found for name, found in offenders.items() if found} == {}


def test_each_staff_resource_has_forms_templates_and_tests_of_the_same_name():
    views = [p.stem for p in (PACKAGE / "admin").glob("*.py")]
    resources = sorted(set(views) - {"__init__", "blueprint", "dashboard"})
    assert "media" in resources and "articles" in resources
    for name in resources:
        assert (PACKAGE / "admin" / "forms" / f"{name}.py").exists(), name
        assert (ROOT / "templates" / "admin" / name).is_dir(), name
        assert (ROOT / "tests" / f"test_admin_{name}.py").exists(), name


def test_role_rules_and_field_errors_have_one_home():
    sources = {p: p.read_text() for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    for path, text in sources.items():
        for old in (
            "EditorialError",
            "PageError",
            "TaxonomyError",
            "AccountError",
            "ImageRejected",
        ):
            assert old not in text, f"{old} in {path}"
        if path.name != "policy.py":
            assert "def can_" not in text, f"a role rule outside policy.py: {path}"
    assert "type: ignore" not in (PACKAGE / "policy.py").read_text()
