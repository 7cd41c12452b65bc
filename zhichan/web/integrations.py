"""Other domains' services, looked up when they exist (modules land independently).

A page whose module is missing says so ("尚未提供 / not available yet"); it never shows numbers
it did not compute.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def search_service() -> ModuleType | None:
    module = optional_module("zhichan.search.service")
    return module if module is not None and hasattr(module, "search") else None


def indicators_service() -> ModuleType | None:
    return optional_module("zhichan.indicators.service")
