"""Industry chains as data (产业链技术分解表): a chain, its home region and a tree of branches.

A branch is one node of the technology decomposition (levels 1–3) and carries a query in the
retrieval syntax (``IPC=H01M10 AND TIAB=(电池 OR 电芯)``, see docs/search.md). Levels are
explicit so a table (XLSX) reads the same as the tree: a level-1 branch has no parent, a level-n
branch's parent is a level-(n-1) branch of the same chain.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")
_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_REGION = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
_OPTIONAL_EN = ("name_en", "description_en")


def _one_line(value: str) -> str:
    if any(ch in value for ch in "\r\n\t"):
        raise ValueError("英文名称须为一行 / an English name must be one line")
    return value


class _Named(BaseModel):
    """A chain or a branch: a Chinese name and an optional one-line English name."""

    name: str
    name_en: str

    @field_validator("name_en", check_fields=False)
    @classmethod
    def _name_en_line(cls, value: str) -> str:
        return _one_line(value)

    def label(self, lang: str) -> str:
        """The name in ``lang``: the English name on English pages where there is one, else the Chinese."""
        return self.name_en or self.name if lang == "en" else self.name


class Branch(_Named):
    """One node of the decomposition tree (技术分支)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(description="Stable id within the chain, e.g. 1, 1.2, 1.2.3")
    name: str = Field(min_length=1, max_length=80, description="分支名称")
    name_en: str = Field("", max_length=120, description="English name (optional; English pages and reports "
                         "show the Chinese name without one)")
    level: int = Field(ge=1, le=3, description="1 一级分支, 2 二级, 3 三级")
    parent: str | None = Field(None, description="id of the parent branch (None for level 1)")
    query: str = Field(min_length=1, description="检索式 in the retrieval syntax")
    description: str = ""

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"分支编号只能含字母、数字、点、下划线 / branch id must be alphanumeric: {value!r}")
        return value

    @field_validator("parent", mode="before")
    @classmethod
    def _empty_parent(cls, value: Any) -> Any:
        return None if value in ("", None) else str(value)


class Chain(_Named):
    """An industry chain: code, name, home region and its branches (parents before children)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(description="Short identifier used by the CLI and URLs, e.g. nev")
    name: str = Field(min_length=1, max_length=80, description="产业链名称")
    name_en: str = Field("", max_length=120, description="English name (optional)")
    home_region: str = Field(description="本地区划代码: 2-digit province, 4-digit city or 6-digit county")
    description: str = ""
    description_en: str = Field("", description="English description (optional)")
    version: int = Field(1, ge=1)
    branches: list[Branch] = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _code_form(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"产业链代码须为小写字母开头的字母数字 / chain code must match {_CODE.pattern}: {value!r}")
        return value

    @field_validator("home_region", mode="before")
    @classmethod
    def _region_form(cls, value: Any) -> str:
        text = str(value).strip()
        if not _REGION.match(text):
            raise ValueError(f"区划代码须为 2/4/6 位数字 / region code must be 2, 4 or 6 digits: {value!r}")
        return text

    def description_in(self, lang: str) -> str:
        return self.description_en or self.description if lang == "en" else self.description

    @model_validator(mode="after")
    def _tree(self) -> Chain:
        seen: dict[str, Branch] = {}
        for b in self.branches:
            if b.id in seen:
                raise ValueError(f"分支编号重复 / duplicate branch id {b.id}")
            if b.level == 1:
                if b.parent is not None:
                    raise ValueError(f"一级分支 {b.id} 不应有上级 / level-1 branch {b.id} has a parent")
            else:
                parent = seen.get(b.parent or "")
                if parent is None:
                    raise ValueError(
                        f"分支 {b.id} 的上级 {b.parent} 不存在或排在其后 / parent {b.parent} of branch {b.id} "
                        "is missing or listed after it"
                    )
                if parent.level != b.level - 1:
                    raise ValueError(
                        f"分支 {b.id} 层级 {b.level} 与上级 {parent.id} 层级 {parent.level} 不一致 / "
                        f"branch {b.id} level {b.level} is not one below its parent's {parent.level}"
                    )
            seen[b.id] = b
        return self

    # ---------------------------------------------------------------------------------------
    def branch(self, branch_id: str) -> Branch:
        for b in self.branches:
            if b.id == branch_id:
                return b
        raise KeyError(branch_id)

    def children(self, branch_id: str | None) -> list[Branch]:
        return [b for b in self.branches if b.parent == branch_id]

    def path_name(self, branch_id: str, lang: str = "zh") -> str:
        """``动力电池 / 正极材料`` — the branch with its ancestors (in ``lang``: :meth:`Branch.label`)."""
        names = []
        b: Branch | None = self.branch(branch_id)
        while b is not None:
            names.append(b.label(lang))
            b = self.branch(b.parent) if b.parent else None
        return " / ".join(reversed(names))

    def canonical_json(self) -> str:
        """The definition as canonical JSON (sorted keys): what the hash covers. English names and
        descriptions are left out where empty, so a chain defined before they existed keeps its hash."""
        data = self.model_dump(mode="json")
        for record in (data, *data["branches"]):
            for key in _OPTIONAL_EN:
                if record.get(key) == "":
                    del record[key]
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def definition_hash(self) -> str:
        """SHA-256 of :meth:`canonical_json` — recorded in every report."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def branch_label(chain: Chain, branch_id: str, lang: str, stored: str, *, path: bool = False) -> str:
    """A branch of ``chain`` named in ``lang`` — the analysis rows keep the Chinese names, the chain
    has both; a branch id the chain does not know keeps the name it was stored with."""
    try:
        return chain.path_name(branch_id, lang) if path else chain.branch(branch_id).label(lang)
    except KeyError:
        return stored


class ChainSummary(BaseModel):
    code: str
    name: str
    name_en: str
    home_region: str
    branches: int
    version: int
    source: str  # builtin | database
    definition_hash: str
