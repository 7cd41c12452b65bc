"""供需匹配: a technology need ranked against the patents on offer (active patent listings, published
open licences and the 转化资源库 of universities' and institutes' dormant patents), every match explained
by the numbers that make its score and by where the offer comes from.

    score = 0.6 × similarity + 0.3 × IPC overlap + 0.1 × proximity

* **similarity** — the cosine of the need's text and the patent's title, abstract and first claim in the
  search index's semantic space (:mod:`zhichan.search.similar`: the same corpus-trained vectors as
  "similar patents"), floored at 0;
* **IPC overlap** — the need has no IPC of its own, so it takes those of its nearest patents in the
  whole corpus (the 30 most similar): each IPC subclass's share among them; a candidate's overlap is
  the sum of the shares of its subclasses (at most 1);
* **proximity** — the patent's region against the need's: same county 1, city 0.7, province 0.4, else 0.

The explanation lists the three contributions (weight × value, which add up to the score), the IPC
subclasses shared, the terms the need and the patent share (rjieba words of two characters or more, without the
words that say nothing of a technology, :data:`FILLER`; they do not weigh in the score),
the owner's type and the region. Requires an index built with vectors (``zhichan index build``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.store import Snapshot
from zhichan.errors import ConflictError
from zhichan.exchange.dormant import pool
from zhichan.exchange.models import Listing, OpenLicence

WEIGHTS = {"similarity": 0.6, "ipc": 0.3, "proximity": 0.1}
NEIGHBOURS = 30


@dataclass(frozen=True)
class Offer:
    """A patent on offer: an active listing, a published open licence, or a university's or institute's
    patent in the 转化资源库 (存量专利盘活: approved, not yet activated)."""

    kind: str  # listing | open_licence | resource_pool
    id: int
    application_number: str
    label: str


def offers(session: Session) -> list[Offer]:
    out = [Offer("listing", r.id, r.asset_number, r.mode) for r in session.scalars(
        select(Listing).where(Listing.state == "active", Listing.asset_kind == "patent"))]
    out += [Offer("open_licence", r.id, r.application_number, "open_licence") for r in session.scalars(
        select(OpenLicence).where(OpenLicence.state == "published"))]
    out += [Offer("resource_pool", r.id, r.application_number, r.institution) for r in pool(session)]
    return out


#: words that say nothing of a technology: the drafting of a patent's title and abstract (一种…及其制备方法, 本发明公开了,
#: 所述) and of a need's posting (寻求…领域合作技术, 希望引进…相关的技术, 开展联合开发). Left out of the shared terms
#: (they were most of them: 一种、技术、方法、领域); the score does not read words (its similarity is the index's vectors)
FILLER = frozenset({
    "一种", "技术", "方法", "领域", "应用", "装置", "系统", "设备", "及其", "制备", "用于", "包括", "具有", "所述", "其中",
    "本发明", "发明", "实用新型", "本申请", "申请", "涉及", "公开", "提供", "进行", "通过", "采用", "实现", "基于", "相关",
    "合作", "寻求", "希望", "引进", "开展", "联合", "开发", "需求", "企业", "一个", "多个", "至少", "以及", "能够", "可以",
    "特征", "在于",
    "the", "and", "of", "for", "with", "in", "on", "to", "method", "methods", "device", "system", "apparatus",
    "technology", "technologies", "field", "use", "using", "its", "thereof", "preparation",
})


def words(text: str) -> set[str]:
    """The words of ``text`` a need and a patent can share: rjieba's words of two characters or more, without
    :data:`FILLER` (in any case)."""
    from zhichan.search.text import cut

    return {w for w in cut(text or "") if len(w) >= 2 and (not w.isascii() or w.isalnum()) and w.lower() not in FILLER}


def subclass(code: str) -> str:
    return code[:4]


def proximity(need_region: str, patent_region: str | None) -> float:
    if not patent_region or not need_region:
        return 0.0
    if need_region == patent_region:
        return 1.0
    if need_region[:4] == patent_region[:4]:
        return 0.7
    if need_region[:2] == patent_region[:2]:
        return 0.4
    return 0.0


class Matcher:
    """The index's vectors and projection, loaded once for many needs (the benchmark ranks hundreds)."""

    def __init__(self, snapshot: Snapshot) -> None:
        from zhichan.search.index import SearchIndex
        from zhichan.search.similar import Projection

        index = SearchIndex.for_snapshot(snapshot, required=False)
        if index is None or not (index.path / "vectors.npy").exists():
            raise ConflictError("检索索引未包含语义向量，暂不能匹配（zhichan index build） / the search index holds no "
                                "similarity vectors: matching is unavailable (zhichan index build)")
        self.snapshot = snapshot
        self.ids = index.ids
        self.vectors = np.load(index.path / "vectors.npy", mmap_mode="r")
        self.projection = Projection.load(index.path)

    def need_vector(self, text: str) -> np.ndarray:
        return self.projection.transform([text])[0]

    def patents(self, numbers: list[str]) -> dict[str, dict[str, Any]]:
        con = self.snapshot.reader()
        try:
            con.execute("CREATE TEMP TABLE wanted(n VARCHAR)")
            con.executemany("INSERT INTO wanted VALUES (?)", [(n,) for n in sorted(set(numbers))])
            rows = con.execute("SELECT p.application_number, p.title, p.abstract, p.ipc, p.region_code, "
                               "p.applicant_types, p.first_patentee, p.synthetic FROM patents p JOIN wanted w "
                               "ON p.application_number = w.n").fetchall()
        finally:
            con.close()
        keys = ("application_number", "title", "abstract", "ipc", "region_code", "applicant_types", "first_patentee",
                "synthetic")
        return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}

    def rows_of(self, numbers: list[str]) -> list[int]:
        return [int(i) if i is not None else -1
                for i in pc.index_in(pa.array(numbers, pa.string()), value_set=self.ids).to_pylist()]

    def need_ipc(self, query: np.ndarray, exclude: set[str] = frozenset()) -> dict[str, float]:  # type: ignore[assignment]
        """Each IPC subclass's share among the need's nearest patents of the whole corpus."""
        from zhichan.search.similar import nearest

        rows = nearest(self.vectors, query, NEIGHBOURS + len(exclude))
        numbers = [n for n in self.ids.take(pa.array([r for r, _ in rows], pa.uint64())).to_pylist()
                   if n not in exclude][:NEIGHBOURS]
        found = self.patents(numbers)
        counts: dict[str, int] = {}
        for n in numbers:
            for sc in {subclass(c) for c in (found.get(n, {}).get("ipc") or [])}:
                counts[sc] = counts.get(sc, 0) + 1
        return {sc: c / len(numbers) for sc, c in counts.items()} if numbers else {}

    def rank(self, text: str, region: str, candidates: list[tuple[str, Any]], *, k: int = 10,
             exclude_from_ipc: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
        """``candidates``: (application number, what it stands for); the top ``k``, each explained."""
        query = self.need_vector(text)
        if not np.any(query) or not candidates:
            return []
        ipc_share = self.need_ipc(query, exclude_from_ipc)
        numbers = [n for n, _ in candidates]
        rows = self.rows_of(numbers)
        found = self.patents(numbers)
        need_words = words(text)
        out = []
        for (number, ref), row in zip(candidates, rows, strict=True):
            patent = found.get(number)
            if patent is None or row < 0:
                continue
            # the values shown, to 4 places, are the values scored: the explanation's arithmetic is exact
            similarity = round(max(0.0, float(np.asarray(self.vectors[row], dtype=np.float32) @ query)), 4)
            shared_ipc = sorted({subclass(c) for c in patent["ipc"] or []} & set(ipc_share))
            ipc = round(min(1.0, sum(ipc_share[sc] for sc in shared_ipc)), 4)
            near = proximity(region, patent["region_code"])
            parts = {"similarity": round(WEIGHTS["similarity"] * similarity, 4),
                     "ipc": round(WEIGHTS["ipc"] * ipc, 4), "proximity": round(WEIGHTS["proximity"] * near, 4)}
            shared_terms = sorted(need_words & words(f"{patent['title']} {patent['abstract'] or ''}"),
                                  key=lambda w: (-len(w), w))[:8]
            out.append({
                "application_number": number, "ref": ref, "title": patent["title"],
                "score": round(sum(parts.values()), 4), "contributions": parts,
                "similarity": similarity, "ipc_overlap": ipc, "proximity": near,
                "shared_ipc": shared_ipc, "need_ipc": {sc: round(v, 3) for sc, v in sorted(ipc_share.items(),
                                                                                         key=lambda kv: -kv[1])[:5]},
                "shared_terms": shared_terms, "owner": patent["first_patentee"],
                "owner_type": (patent["applicant_types"] or [None])[0], "region_code": patent["region_code"],
                "synthetic": bool(patent["synthetic"]),
            })
        out.sort(key=lambda m: (-m["score"], m["application_number"]))
        return out[:k]


def match_need(session: Session, snapshot: Snapshot | None, *, text: str, region: str, k: int = 10) -> list[dict[str, Any]]:
    """The need's best ``k`` offers, explained."""
    if snapshot is None:
        raise ConflictError("尚无语料快照 / no corpus snapshot")
    on_offer = offers(session)
    by_number: dict[str, list[Offer]] = {}
    for offer in on_offer:
        by_number.setdefault(offer.application_number, []).append(offer)
    ranked = Matcher(snapshot).rank(text, region, [(n, o) for n, o in by_number.items()], k=k)
    for match in ranked:
        match["offers"] = [{"kind": o.kind, "id": o.id, "label": o.label} for o in match.pop("ref")]
    return ranked
