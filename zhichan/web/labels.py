"""Display labels of the corpus's coded values (enums), one function for every page.

``label(lang, field, value)`` turns ``("legal_status", "granted")`` into 有权-授权 / "In force – granted"
from the message catalogues (keys ``<prefix>.<value>``). Search facets, result tables, the patent,
enterprise and admin pages all call it, so a value reads the same everywhere. The Chinese legal-status
labels are those of ``zhichan.search`` (its facet labels and exports; a test keeps them equal).
An unknown value is shown as it is rather than hidden.
"""

from __future__ import annotations

from typing import Any

from zhichan.web.i18n import catalogue, translate

#: field name (as in the corpus / a facet) → catalogue key prefix
PREFIXES = {
    "kind": "kind",
    "legal_status": "legal_status",
    "status_group": "status",
    "party_type": "party_type",
    "applicant_type": "party_type",
    "event_type": "event_type",
    "role": "role",
    "org_kind": "orgkind",
    "job_status": "jobs.status",
}


def is_coded(field: str) -> bool:
    return field in PREFIXES


def label(lang: str, field: str, value: Any, fallback: Any = None) -> str:
    """The label of a coded value; for fields that are not coded, ``fallback`` (or the value)."""
    if value is None or value == "":
        return ""
    prefix = PREFIXES.get(field)
    if prefix is None:
        return str(value if fallback is None else fallback)
    key = f"{prefix}.{value}"
    if key in catalogue(lang) or key in catalogue("zh"):
        return translate(lang, key)
    return str(value)
