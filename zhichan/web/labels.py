"""Display labels of the corpus's coded values (enums), one function for every page.

``label(lang, field, value)`` turns ``("legal_status", "granted")`` into 有权-授权 / "In force – granted"
from the message catalogues (keys ``<prefix>.<value>``). Search facets, result tables, the patent,
enterprise and admin pages all call it, so a value reads the same everywhere. The Chinese legal-status
labels are those of ``zhichan.search`` (its facet labels and exports; a test keeps them equal).
An unknown value is shown as it is rather than hidden.
"""

from __future__ import annotations

import re
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
    "gi_type": "gi_type",
    "mark_kind": "mark_kind",
    "work_type": "work_type",
    # a trademark's or a geographical indication's status (their values differ: one prefix serves both)
    "record_status": "record_status",
    "role": "role",
    "org_kind": "orgkind",
    "job_status": "jobs.status",
    "audit_action": "audit_action",
    "unit": "unit",
    # a table's column heading (an unknown column shows its name)
    "column": "field",
    # a declared procedure field's choice (the value is the Chinese text the declaration gives)
    "choice": "choice",
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
    return coded(lang, prefix, value)


def coded(lang: str, prefix: str, value: Any) -> str:
    """The label of ``value`` under the catalogue prefix ``prefix`` (key ``<prefix>.<value>``, e.g. a
    domain's ``exchange.dormant.by.deal``); an unknown value as it is."""
    if value is None or value == "":
        return ""
    key = f"{prefix}.{value}"
    if key in catalogue(lang) or key in catalogue("zh"):
        return translate(lang, key)
    return str(value)


def choice(lang: str, text: str) -> str:
    """A declared choice (``发明专利申请``) as the page in ``lang`` shows it: the ``choice.<text>`` entry of
    the procedures catalogue, the text itself where there is none."""
    key = f"choice.{text}"
    return translate(lang, key) if key in catalogue(lang) or key in catalogue("zh") else text


_SHOUTED = re.compile(r"[A-Z]{2,}")
_ACRONYM = re.compile(r"([(\[])([a-z]{1,4})([)\]])")


def sentence_case(title: str) -> str:
    """WIPO writes subclass titles in capitals (``PROCESSES OR MEANS, e.g. BATTERIES``); a list reads
    them in sentence case, keeping a short acronym in brackets (``[PV]``)."""
    if not _SHOUTED.search(title) or re.search(r"[a-z]{3,}", title.replace("e.g.", "").replace("i.e.", "")):
        return title
    lowered = _ACRONYM.sub(lambda m: m.group(1) + m.group(2).upper() + m.group(3), title.lower())
    return lowered[:1].upper() + lowered[1:]


def ipc_code_title(code: str, lang: str) -> tuple[str, bool] | None:
    """The title a page shows for IPC ``code`` in ``lang`` (clean, WIPO's capitals in sentence case) and whether it
    is the code's own — or its nearest group's or subclass's; for a subclass newer than that language's edition (the
    English lacks H10B–H10W, G06V, B64U; the Chinese H01L) a note that it has none there and the class's or section's
    title it lies under (never that title as if it were the subclass's: H10K "Electricity"); ``None`` where the reference
    data places no title above it. One rule for every page that titles a code (a search facet, a service's topic)."""
    from zhichan.reference.ipc import ipc_title_above_subclass, ipc_titled

    found = ipc_titled(code, lang, clean=True)
    if found is None:
        return None
    if ipc_title_above_subclass(code, found[0]):
        return translate(lang, "ipc.untitled", parent=found[0], title=sentence_case(found[1])), False
    return sentence_case(found[1]), True


def ipc_label(code: str, lang: str) -> str:
    """``H01M 用化学方法将化学能直接转变为电能的方法或装置…`` — the code and its title (:func:`ipc_code_title`), or with a note
    in brackets where the edition has none: ``H10K (no title in the reference data; within H: Electricity)``."""
    shown = ipc_code_title(code, lang)
    if shown is None:
        return code
    title, own = shown
    return f"{code} {title}" if own else translate(lang, "facet.ipc_untitled", code=code, note=title)


def facet_value(lang: str, facet: str, value: Any, fallback: Any = None) -> str:
    """A search facet's value (or an active filter's) as a page in ``lang`` shows it: a region by its
    name, an IPC code with its title and a strategic emerging industry with its name from the reference
    data in that language (``H01M 电池…`` / ``H01M Processes or means… ``), a coded value by its label;
    anything else as ``fallback`` (the search's own label) or the value."""
    if value is None or value == "":
        return ""
    from zhichan.errors import InputError
    from zhichan.platform.portal import region_display_name
    from zhichan.reference import sei_name

    text = str(value)
    if facet in ("province", "city"):
        return region_display_name(text, lang)
    if facet == "ipc":
        return ipc_label(text, lang)
    if facet == "sei":
        try:
            return f"{text} {sei_name(text, lang)}"
        except InputError:
            return text
    return label(lang, facet, value, fallback)


def event_detail(lang: str, event_type: str, detail: str | None) -> str:
    """An event's detail as a reader sees it: a legal-status change names the new status and an award
    its kind and level in the page's language; free text (许可 kinds, 权利转移) stays as recorded."""
    if not detail:
        return ""
    if event_type == "legal_status_change":
        return label(lang, "legal_status", detail)
    if event_type == "award":
        key = "award." + detail.replace(":", ".")
        if key in catalogue("zh"):
            return translate(lang, key)
    return detail


def audit_action(lang: str, action: str, step_titles: dict[tuple[str, str], tuple[str, str]] | None = None,
                 target: str = "") -> str:
    """An audit action's label: the catalogue's (``audit_action.<action>``); a procedure step
    (``procedure.<event>`` on case ``<PREFIX>-<year>-<id>``) by the title its declaration gives the step."""
    if action.startswith("procedure.") and step_titles:
        title = step_titles.get((target.split("-", 1)[0], action.removeprefix("procedure.")))
        if title is not None:
            return translate(lang, "audit_action.procedure_step", step=title[0] if lang == "zh" else title[1])
    return label(lang, "audit_action", action)
