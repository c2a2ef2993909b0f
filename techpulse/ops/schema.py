"""Which Alembic revision the code expects and which one the database is at."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text

from techpulse.extensions import db


@cache
def expected_revisions() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code.

    Read from each revision file's ``revision`` and ``down_revision`` rather than through
    Alembic, so a readiness probe does not load Alembic (11 MB) into every server worker.
    """
    from techpulse import MIGRATIONS

    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        ids = _revision_ids(path)
        revisions.add(ids["revision"])
        down = ids.get("down_revision") or ()
        parents.update((down,) if isinstance(down, str) else down)  # a merge has a tuple
    return frozenset(revisions - parents)


def _revision_ids(path: Path) -> dict[str, str | tuple[str, ...] | None]:
    """A revision file's ``revision = "…"`` and ``down_revision = …`` (with or without a type)."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            found[target.id] = ast.literal_eval(value)
    return found


def database_revision() -> frozenset[str]:
    """The revision(s) recorded in the database's ``alembic_version`` table (empty if none)."""
    if not inspect(db.session.connection()).has_table("alembic_version"):
        return frozenset()
    rows = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return frozenset(rows)
