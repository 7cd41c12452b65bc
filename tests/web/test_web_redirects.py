"""Every address the platform sends a browser to after a form (``RedirectResponse("/…")``) is a page it serves:
the agency registry's seeding button led to ``/jobs/{id}``, which no route answered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zhichan

REDIRECT = re.compile(r'RedirectResponse\(f?"(/[^"]*)"')


def _get_paths(routes: Any) -> Iterator[str]:
    for route in routes:
        if getattr(route, "methods", None):
            if "GET" in route.methods:
                yield route.path
        elif hasattr(route, "original_router"):  # an included router
            yield from _get_paths(route.original_router.routes)
        elif getattr(route, "routes", None):
            yield from _get_paths(route.routes)


def test_every_redirect_leads_to_a_page(env) -> None:
    pages = [re.compile("^" + re.sub(r"\{[^}]*\}", "[^/]+", path) + "$") for path in _get_paths(env.app.routes)]
    root = Path(zhichan.__file__).parent
    targets = {(str(path.relative_to(root)), m.group(1)) for path in root.rglob("*.py")
               for m in REDIRECT.finditer(path.read_text(encoding="utf-8"))}
    assert len(targets) > 30
    nowhere = []
    for where, target in sorted(targets):
        # a value of its own segment ("/cases/{id}") stands for one; one after a name ("/x{query}") is its query
        address = re.sub(r"\{[^}]*\}", "", re.sub(r"(?<=/)\{[^}]*\}", "1", target))
        address = re.split(r"[?#]", address)[0]
        if not any(p.match(address) for p in pages):
            nowhere.append(f"{where}: {target}")
    assert nowhere == []
