"""The layout the README describes: names that match, and rules kept in their one home."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Role, Tag

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
    # dashboard and statistics are read-only pages: no forms.
    read_only = {"dashboard", "statistics"}
    resources = sorted(set(views) - {"__init__", "blueprint"} - read_only)
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


def test_the_delete_pages_share_one_confirm_form(client, staff, make):
    from tests.helpers.contact import contact_message
    from tests.helpers.pages import elements

    staff.login(Role.ADMIN)
    article, image = make.article(), make.image()
    category = make.category()
    make.article(tags=("Gadgets",))
    tag = db.session.scalar(select(Tag).where(Tag.name == "Gadgets"))
    pages = {
        f"/admin/articles/{article.id}/delete": "Move to the trash",
        f"/admin/media/{image.id}/delete": "Move to the trash",
        f"/admin/messages/{contact_message().id}/delete": "Delete for good",
        f"/admin/categories/{category.id}/delete": "Delete category",
        f"/admin/tags/{tag.id}/delete": "Delete tag",
        f"/admin/pages/{make.page('privacy', 'Privacy', 'Text').id}/delete": "Move to the trash",
    }
    for url, button in pages.items():
        html = client.get(url).get_data(as_text=True)
        forms = elements(html, "form", "confirm-delete")
        assert len(forms) == 1 and forms[0].get("method") == "post", url
        section = html[html.index("confirm-delete") :]
        inputs = elements(section[: section.index("</form>")], "input")
        assert [i.get("name") for i in inputs if i.get("type") == "hidden"] == ["csrf_token"]
        assert [i.get("value") for i in inputs if i.get("type") == "submit"] == [button], url


def test_every_staff_list_filters_with_the_same_get_form(client, staff, make):
    from tests.helpers.pages import elements

    staff.login(Role.ADMIN)
    for url, fields in {
        "/admin/articles": ["q", "status", "category", "author"],
        "/admin/messages": ["status", "q"],
        "/admin/audit": ["action", "actor", "q", "since", "until"],
    }.items():
        html = client.get(url).get_data(as_text=True)
        form = elements(html, "form", "filters")
        assert len(form) == 1 and form[0].get("method") == "get", url
        section = html[html.index('class="filters"') :]
        section = section[: section.index("</form>")]
        names = [e.get("name") for e in elements(section, "input") + elements(section, "select")]
        assert sorted(names) == sorted(fields), url
        assert "csrf_token" not in section and ">Clear<" in section, url


def test_no_test_module_imports_another_test_module():
    """Shared test code lives in tests/helpers/ or conftest.py, never in a test_*.py file."""
    offenders = {
        path.name: sorted(
            module
            for module in imported_modules(path)
            if any(part.startswith("test_") for part in module.split("."))
        )
        for path in sorted((ROOT / "tests").rglob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}
