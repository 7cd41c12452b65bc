"""Message catalogues (``i18n/zh.yaml``, ``i18n/en.yaml`` here and in each domain package listed in
:data:`zhichan.domains.DOMAIN_PACKAGES`): Chinese first, English switchable.

Templates call ``t("key", n=3)``; no user-visible string lives in a template. A missing key in
English falls back to Chinese, a missing key everywhere shows the key (and a test fails).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml

from zhichan.domains import DOMAIN_PACKAGES

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_DIR = Path(__file__).resolve().parent / "i18n"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The web layer's catalogue and every domain's, merged; a key defined twice is a packaging error."""
    merged: dict[str, str] = {}
    sources = [(_DIR / f"{lang}.yaml").read_text("utf-8")]
    for package in DOMAIN_PACKAGES:
        path = files(package) / "i18n" / f"{lang}.yaml"
        if path.is_file():
            sources.append(path.read_text("utf-8"))
    for text in sources:
        data = yaml.safe_load(text) or {}
        for key, value in data.items():
            if str(key) in merged:
                raise ValueError(f"message key {key!r} is defined twice ({lang})")
            merged[str(key)] = str(value)
    return merged


def translate(lang: str, key: str, **values: object) -> str:
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def pick_language(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE
