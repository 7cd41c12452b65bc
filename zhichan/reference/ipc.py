"""International Patent Classification (国际专利分类): code syntax, the scheme, titles.

Canonical form: ``H04N5/225`` — section, class, subclass, main group without leading zeros,
``/``, subgroup of at least two digits without trailing zeros past the second (``H04N5/00``).
Titles: Chinese from the CNIPA IPC 2026.01 edition, English from WIPO's ~2020.01 edition; the
scheme known to :func:`ipc_known` is the union of both.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from zhichan.errors import FormError, InputError
from zhichan.reference._data import open_text

IpcLevel = Literal["section", "class", "subclass", "main_group", "subgroup"]

_FULL = re.compile(r"^([A-H])(\d{2})([A-Z])(\d{1,4})/(\d{2,6})$")
_PARTIAL = re.compile(r"^([A-H])(?:(\d{2})([A-Z])?)?$")
_WIPO14 = re.compile(r"^([A-H]\d{2}[A-Z])(\d{4})(\d{6})$")
_VERSION = re.compile(r"[(\[]\s*\d{4}\.\d{2}\s*[)\]]\s*$|\s\d{4}\.\d{2}\s*$")
_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_WRAP_SPACE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_WRAP_SPACE_CODE = re.compile(rf"(?<=[{_CJK}])\s+(?=[A-H]\d{{2}}[A-Z]?)|(?<=\d/\d\d)\s+(?=[{_CJK}])")
_REFERENCE = re.compile(r"[A-H]\d{2}[A-Z]?|入|见|参见")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_UNBALANCED = re.compile(r"[；;][^；;（）()]*(?:[A-H]\d{2}[A-Z]|入|见)[^；;（）()]*[）)]")
_CODE_IN_TITLE = re.compile(r"[A-H]\d{2}[A-Z]\d*/\d+")
_NOTE = re.compile(r"\s*(?:注意|附注|注：)\s*\d?\.?.*$")
#: an IPC symbol or a prefix of one: section, class, subclass, main group, subgroup (H, H01, H01M, H01M4/13) —
#: how a person's technical fields are given (the protection roster, the talent library)
IPC_PREFIX = re.compile(r"^[A-H](\d{2}([A-Z](\d{1,4}(/\d{1,6})?)?)?)?$")


def parse_fields(text: str, *, field: str = "ipc_fields", required: bool = True) -> list[str]:
    """``H01M; G06F 16`` → ``["H01M", "G06F16"]``; :class:`FormError` (on ``field``) for a symbol that is no
    IPC prefix, and for none at all when ``required``."""
    out = []
    for part in re.split(r"[;；,，、\s]+", str(text or "").upper()):
        if not part:
            continue
        if not IPC_PREFIX.match(part):
            raise FormError({field: f"“{part[:20]}”不是 IPC 分类号或其前缀（如 H01M、G06F16/30） / not an IPC symbol or prefix"})
        out.append(part)
    if not out and required:
        raise FormError({field: "请填写技术领域（IPC） / give the technical fields (IPC)"})
    return out


def _clean_input(code: object) -> str:
    text = unicodedata.normalize("NFKC", str(code)).strip().upper()
    text = _VERSION.sub("", text).strip()
    return re.sub(r"\s+", "", text)


def _canonical(text: str, allow_partial: bool) -> str | None:
    m = _WIPO14.match(text)
    if m:
        sub, group, subgroup = m.groups()
        text = f"{sub}{int(group)}/{subgroup.rstrip('0').ljust(2, '0')}" if int(group) else sub
    m = _FULL.match(text)
    if m:
        section, klass, sub, group, subgroup = m.groups()
        if int(group) == 0:
            return None
        return f"{section}{klass}{sub}{int(group)}/{subgroup[:2]}{subgroup[2:].rstrip('0')}"
    if allow_partial:
        m = _PARTIAL.match(text)
        if m:
            return text
    return None


def normalize_ipc(code: str, allow_partial: bool = False) -> str:
    """``H04N 5/225``, ``H04N0005225000``, ``h04n5/225``, full-width, ``H04N5/225(2006.01)`` → ``H04N5/225``.

    With ``allow_partial`` a section (``H``), class (``H04``) or subclass (``H04N``) is accepted too.
    Raises :class:`InputError` for anything else.
    """
    result = _canonical(_clean_input(code), allow_partial) if isinstance(code, str) else None
    if result is None:
        raise InputError(f"不是有效的IPC分类号：{code!r} / not an IPC symbol: {code!r}")
    return result


def is_valid_ipc(code: str, allow_partial: bool = False) -> bool:
    """IPC syntax: section A–H, class 2 digits, subclass letter, main group 1–4 digits ``/`` subgroup 2–6 digits."""
    return isinstance(code, str) and _canonical(_clean_input(code), allow_partial) is not None


def ipc_level(code: str) -> IpcLevel:
    c = normalize_ipc(code, allow_partial=True)
    if len(c) == 1:
        return "section"
    if len(c) == 3:
        return "class"
    if len(c) == 4:
        return "subclass"
    return "main_group" if c.endswith("/00") else "subgroup"


def ipc_main_group(code: str) -> str:
    """``H04N5/225`` → ``H04N5/00``."""
    c = normalize_ipc(code)
    return c.split("/")[0] + "/00"


def ipc_subclass(code: str) -> str:
    return normalize_ipc(code, allow_partial=True)[:4]


def _ancestors(c: str) -> list[str]:
    """The code itself, then main group, subclass, class, section (canonical codes only)."""
    chain = [c]
    if "/" in c and not c.endswith("/00"):
        chain.append(c.split("/")[0] + "/00")
    for n in (4, 3, 1):
        if len(c) > n:
            chain.append(c[:n])
    return chain


# ---------------------------------------------------------------- scheme and titles


def _tidy_zh(title: str) -> str:
    """Remove the spaces PDF line wraps left between Chinese characters (and before a cited code)."""
    title = _WRAP_SPACE.sub("", title.strip())
    return _WRAP_SPACE_CODE.sub("", title)


@lru_cache(maxsize=1)
def _zh() -> dict[str, str]:
    titles: dict[str, str] = {}
    with open_text("ipc/ipc_zh_2026.01.tsv") as f:
        next(f)
        for line in f:
            code, _, title = line.rstrip("\n").split("\t", 2)
            if _canonical(code, allow_partial=True) != code:
                continue  # PDF-parse debris in the source, e.g. E01D101/0–4 (see PROVENANCE.md)
            titles[code] = _tidy_zh(title)
    return titles


@lru_cache(maxsize=1)
def _en() -> dict[str, str]:
    titles: dict[str, str] = {}
    with open_text("ipc/ipc_en_wipo.tsv") as f:
        for line in f:
            code, sep, title = line.rstrip("\n").partition("\t")
            if not sep:
                continue  # three continuation fragments of wrapped titles in the source
            c = _canonical(code, allow_partial=True)
            if c is not None:
                titles[c] = title.strip()
    return titles


def _titles(lang: str) -> dict[str, str]:
    if lang == "zh":
        return _zh()
    if lang == "en":
        return _en()
    raise InputError(f"不支持的语言：{lang!r} / unsupported language: {lang!r} (zh, en)")


def ipc_known(code: str, strict: bool = False) -> bool:
    """The code is in the scheme (2026.01 Chinese or 2020.01 English edition).

    Unless ``strict``, a subgroup absent from both editions still counts when its main group is
    present (subgroups added after the edition we ship). Invalid syntax gives False.
    """
    try:
        c = normalize_ipc(code, allow_partial=True)
    except InputError:
        return False
    zh, en = _zh(), _en()
    if c in zh or c in en:
        return True
    if strict or "/" not in c:
        return False
    main = c.split("/")[0] + "/00"
    return main in zh or main in en


def clean_title(title: str) -> str:
    """A title fit for generated prose: no references to other places (``（…入A01C5/00）``), no notes."""
    text = _NOTE.sub("", title)
    previous = None
    while previous != text:
        previous = text
        text = _PAREN.sub(lambda m: "" if _REFERENCE.search(m.group(0)) else m.group(0), text)
        text = _UNBALANCED.sub("", text)
    text = re.sub(r"\[\d{8}\]|\[\d{4}\.\d{2}\]|〔\d+〕", "", text)  # version stamps: [20250101], 〔4〕
    return re.sub(r"\s{2,}", " ", text).strip(" ；;，,")


def ipc_titled(code: str, lang: str = "zh", clean: bool = False) -> tuple[str, str] | None:
    """The code whose title stands for ``code`` — itself or its nearest ancestor present (main group, subclass,
    class, section) — and that title. A subclass newer than an edition (the English one lacks H10B–H10W, G06V,
    B64U) gets its section's: a caller that shows it says whose title it is (:func:`ipc_title_above_subclass`)."""
    titles = _titles(lang)
    try:
        c = normalize_ipc(code, allow_partial=True)
    except InputError:
        return None
    for candidate in _ancestors(c):
        if candidate in titles:
            return candidate, clean_title(titles[candidate]) if clean else titles[candidate]
    return None


def ipc_title_above_subclass(code: str, titled: str) -> bool:
    """Whether the title :func:`ipc_titled` found for ``code`` (a subclass or below) is a class's or a section's:
    not a title of the code's technology, only of the area it lies in."""
    return len(titled) < 4 <= len(normalize_ipc(code, allow_partial=True))


def ipc_title(code: str, lang: str = "zh", clean: bool = False) -> str | None:
    """Title of ``code``, or of its nearest ancestor present (main group, subclass, class, section)."""
    found = ipc_titled(code, lang, clean)
    return found[1] if found else None


def ipc_titles(
    level: Literal["section", "class", "subclass", "main_group", "subgroup"] = "subclass",
    lang: str = "zh",
    clean: bool = False,
) -> dict[str, str]:
    """Every code of one level with its title (sorted by code).

    ``clean`` applies :func:`clean_title` and leaves out the residual groups whose title can only
    be said by citing other groups (``在A01K69/00至A01K77/00各组中不包含的…``) — text generation wants
    prose, not cross-references.
    """
    wanted = {
        "section": lambda c: len(c) == 1,
        "class": lambda c: len(c) == 3,
        "subclass": lambda c: len(c) == 4,
        "main_group": lambda c: c.endswith("/00"),
        "subgroup": lambda c: "/" in c and not c.endswith("/00"),
    }.get(level)
    if wanted is None:
        raise InputError(f"未知的IPC层级：{level!r} / unknown IPC level: {level!r}")
    out = {}
    for code, title in sorted(_titles(lang).items()):
        if wanted(code):
            if clean:
                title = clean_title(title)
                if not title or _CODE_IN_TITLE.search(title):
                    continue
            out[code] = title
    return out
