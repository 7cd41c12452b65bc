"""Message catalogues (``i18n/zh.yaml``, ``i18n/en.yaml``): Chinese first, English switchable.

Templates call ``t("key", n=3)``; no user-visible string lives in a template. A missing key in
English falls back to Chinese, a missing key everywhere shows the key (and a test fails).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_DIR = Path(__file__).resolve().parent / "i18n"


@cache
def catalogue(lang: str) -> dict[str, str]:
    data = yaml.safe_load((_DIR / f"{lang}.yaml").read_text("utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def translate(lang: str, key: str, **values: object) -> str:
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def pick_language(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE
