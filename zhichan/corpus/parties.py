"""Entity resolution for applicants and patentees (申请人/权利人归一).

One identity per organization: names are normalized (full-width → half-width, brackets,
spaces, Latin case, common legal-form variants) into a ``party_key``; the ``parties`` table of
every snapshot groups first patentees by that key.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zhichan.corpus.schema import PartyType

if TYPE_CHECKING:
    from zhichan.corpus.store import Snapshot

_SPACES = re.compile(r"\s+")
#: Legal-form spellings that name the same form (kept distinct from each other otherwise).
_FORM_VARIANTS = (
    ("有限责任公司", "有限公司"),
    ("股份有限公司", "股份公司"),
)


def normalize_name(name: str) -> str:
    """The identity key of an applicant name: ``"华为技术有限公司 "`` → ``"华为技术有限公司"``."""
    key = unicodedata.normalize("NFKC", name or "")
    key = _SPACES.sub("", key).upper().strip(".,;:·")
    key = key.replace("[", "(").replace("]", ")").replace("〔", "(").replace("〕", ")")
    for variant, canonical in _FORM_VARIANTS:
        if key.endswith(variant):
            key = key[: -len(variant)] + canonical
    return key


_TYPE_WORDS = {
    "企业": PartyType.ENTERPRISE,
    "公司": PartyType.ENTERPRISE,
    "大专院校": PartyType.UNIVERSITY,
    "院校": PartyType.UNIVERSITY,
    "高校": PartyType.UNIVERSITY,
    "科研机构": PartyType.INSTITUTE,
    "科研单位": PartyType.INSTITUTE,
    "个人": PartyType.INDIVIDUAL,
    "机关团体": PartyType.GOVERNMENT,
    "机关": PartyType.GOVERNMENT,
    "事业单位": PartyType.GOVERNMENT,
}


def party_type_from_label(label: str | None) -> PartyType | None:
    """Map a source's 申请人类型 label (企业, 大专院校, 科研机构, 个人, 机关团体 …)."""
    if not label:
        return None
    label = label.strip()
    for word, kind in _TYPE_WORDS.items():
        if word in label:
            return kind
    return None


def guess_party_type(name: str) -> PartyType:
    """Infer the type from the name when the source does not say."""
    n = unicodedata.normalize("NFKC", name or "")
    if re.search(r"(大学|学院|学校)$", n) or "大学" in n:
        return PartyType.UNIVERSITY
    if re.search(r"(研究院|研究所|研究中心|科学院|实验室)", n) and "公司" not in n:
        return PartyType.INSTITUTE
    if re.search(r"(公司|厂|集团|企业|合作社|事务所|商行|中心\(有限合伙\)|有限合伙)", n):
        return PartyType.ENTERPRISE
    if re.search(r"(局|委员会|政府|医院|协会|学会|管理处|管理站)$", n):
        return PartyType.GOVERNMENT
    if 2 <= len(n) <= 4 and re.fullmatch(r"[\u4e00-\u9fff·]+", n):
        return PartyType.INDIVIDUAL
    return PartyType.OTHER


#: Builds the ``parties`` table of a snapshot from its ``patents`` view.
PARTIES_SQL = """
SELECT
    first_patentee_key                                   AS party_key,
    mode(first_patentee ORDER BY first_patentee)         AS name,
    mode(first_patentee_type ORDER BY first_patentee_type) AS party_type,
    max(CASE WHEN len(applicant_uscc) > 0 AND applicant_uscc[1] <> '' THEN applicant_uscc[1] END) AS uscc,
    mode(region_code ORDER BY region_code)               AS region_code,  -- ties: the smallest (deterministic)
    count(*)                                             AS patent_count,
    bool_and(synthetic)                                  AS synthetic
FROM patents
WHERE first_patentee_key IS NOT NULL AND first_patentee_key <> ''
GROUP BY first_patentee_key
ORDER BY party_key
"""


def party_name_en(name: str, region_code: str | None, synthetic: bool) -> str | None:
    """The English name of a corpus party, where the corpus implies one: a generated party of the synthetic
    corpus has the English its generator's name reads as (:func:`zhichan.corpus.generator.english.english_name`,
    as the demo's organizations are named); a party of real records has none (its name is data, shown as it
    is) — a real name that happens to read like a generated one is not translated."""
    if not synthetic:
        return None
    from zhichan.corpus.generator.english import english_name, named_places

    found = english_name(name, region_code or "")
    # a name whose place lies outside the region given (a row keeping the name away from its party's region)
    return found or next((en for code in named_places(name) if (en := english_name(name, code))), None)


def holder_display_name(holder: Mapping[str, Any], lang: str) -> str:
    """A holder of a ranking or list (a corpus party: ``name`` as the corpus holds it, ``name_en`` where one is
    known: :func:`with_party_names_en`, then
    :func:`zhichan.platform.orgs.holders_named_in_english`) as a page in ``lang`` shows it: in English its English name, else
    its name (data, shown as it is); in Chinese its name. Every page that lists holders calls this one function;
    an English page shows the legal (Chinese) name beside it, so the holder stays findable."""
    name = str(holder.get("name") or "")
    if lang == "en":
        return str(holder.get("name_en") or "").strip() or name
    return name


def with_party_names_en(cur: Any, holders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Holders (``party_key``, ``name``, ``synthetic``) with ``region_code`` (the party's, from ``parties``) and
    ``name_en`` (:func:`party_name_en`; ``None`` where there is none) — for :func:`holder_display_name`. A holder
    without ``synthetic`` (a search facet's applicant, named alone) is as synthetic as its party.
    ``cur``: a DuckDB cursor on a snapshot."""
    from zhichan.corpus.store import in_values_sql

    keys = sorted({h["party_key"] for h in holders if h.get("party_key")})
    parties: dict[str, tuple[str, bool]] = {}
    if keys:
        found = cur.execute(f"SELECT party_key, region_code, synthetic FROM parties "
                            f"WHERE {in_values_sql('party_key', 'keys')}", {"keys": keys}).fetchall()
        parties = {key: (region or "", bool(synthetic)) for key, region, synthetic in found}

    def named(h: dict[str, Any]) -> dict[str, Any]:
        region, synthetic = parties.get(h["party_key"], ("", False))
        synthetic = bool(h["synthetic"]) if "synthetic" in h else synthetic
        return {**h, "region_code": region, "name_en": party_name_en(h["name"], region or None, synthetic)}

    return [named(h) for h in holders]


#: the party types of 高等院校、科研机构 (the dormant-patent inventory's institutions; an account of one is labelled so)
INSTITUTIONS = ("university", "institute")


@functools.lru_cache(maxsize=4096)
def party_type(snapshot: Snapshot, party_key: str | None) -> str | None:
    """The party's type in the snapshot (``university``, ``institute``, ``enterprise`` …), None when unknown — read
    once per snapshot and party (every page's header names a university's account as one: ``role_label`` in :mod:`zhichan.web.deps`)."""
    if not party_key:
        return None
    con = snapshot.reader()
    try:
        rows = con.execute("SELECT party_type FROM parties WHERE party_key = ?", [party_key]).fetchall()
    finally:
        con.close()
    return str(rows[0][0]) if rows and rows[0][0] else None
