"""Reading documents people upload (plans, chains …) with bounds: a small file must not be able
to take a worker's memory or stack, and a malformed one answers with a reason (``InputError``).

- **YAML** (:func:`load_yaml`; :func:`yaml_safe_load` for the platform's own declaration files, with
  libyaml and without the bounds): booleans are YAML 1.2's ``true``/``false`` only — ``yes``, ``no``, ``on``, ``off``, ``y``
  and ``n`` stay strings (PyYAML follows YAML 1.1 and reads a choice ``no`` or a key ``on`` as a
  boolean); UTF-8 only; no anchors/aliases (the "billion laughs" alias bomb
  expands a 551-byte file to gigabytes; plan and chain files never need them); at most
  ``max_depth`` levels of nesting (PyYAML composes nodes recursively: 5,000 levels of ``[`` end in
  ``RecursionError``); at most ``max_nodes`` nodes.
- **XLSX** (:func:`check_xlsx`, before openpyxl opens the file): a ZIP of at most
  ``max_members`` members and ``max_bytes`` uncompressed in total (a "zip bomb" of a few hundred
  KB unpacks to hundreds of MB), each member at most ``max_ratio`` times its compressed size, and
  no XML member with a document type declaration (``<!DOCTYPE``/``<!ENTITY``: entity expansion and
  external entities; Office never writes one).
- **Text** a form or a JSON body gives (:func:`text_refusal`): only what XML 1.0 calls a character — no C0 control
  but tab, line feed and carriage return (a NUL stopped python-docx's decision documents with a 500 and PostgreSQL's
  text columns refuse it), no lone surrogate, no U+FFFE/U+FFFF. Refused at the boundary, beside the field; a document
  writer shows what was stored before as U+FFFD (:func:`printable`), never failing for it.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import Node

from zhichan.errors import InputError

MAX_DEPTH = 32
MAX_NODES = 200_000
#: the most digits :func:`whole_number` reads (``1e999999999`` would otherwise be a billion-digit integer)
WHOLE_DIGITS = 40
XLSX_MAX_BYTES = 50 << 20
XLSX_MAX_MEMBERS = 500
XLSX_MAX_RATIO = 200
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses aliases and counts depth and nodes while composing, with YAML 1.2
    booleans."""

    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise InputError(
                f"YAML 不允许使用别名（*{event.anchor}，第 {event.start_mark.line + 1} 行） / YAML aliases are "
                f"not allowed (*{event.anchor}, line {event.start_mark.line + 1})"
            )
        self._nodes += 1
        if self._nodes > self.max_nodes:
            raise InputError(f"YAML 内容过多（超过 {self.max_nodes} 项） / too many YAML nodes (over {self.max_nodes})")
        nested = self.check_event(SequenceStartEvent, MappingStartEvent)
        if nested:
            self._depth += 1
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise InputError(
                    f"YAML 嵌套过深（超过 {self.max_depth} 层，第 {mark.line + 1} 行） / YAML nested too deeply "
                    f"(over {self.max_depth} levels, line {mark.line + 1})"
                )
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            if nested:
                self._depth -= 1


class _FileLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """The platform's own declaration files (shipped, or a bureau's local ones): libyaml's parser (about
    3× faster than PyYAML's), the same YAML 1.2 booleans, no bounds (they are not uploads)."""


_YAML_1_2_BOOLEANS = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
for _loader in (_BoundedLoader, _FileLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver("tag:yaml.org,2002:bool", _YAML_1_2_BOOLEANS, list("tTfF"))


#: what XML 1.0 (§2.2, ``Char``) does not take as text — lxml (python-docx) refuses it, PostgreSQL a NUL in any
#: text: the C0 controls but tab, line feed and carriage return, the surrogates (a lone one from JSON's ``\\ud800``)
#: and U+FFFE, U+FFFF
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTROL_CHARACTERS = "含有不可见的控制字符，请删除后重试 / contains invisible control characters: remove them and retry"
#: what :func:`printable` writes in place of a character :data:`NOT_TEXT` matches
REPLACEMENT = "\ufffd"


def text_refusal(text: str, max_length: int | None = None) -> str | None:
    """Why a text typed into a form or given in a JSON body is refused (``"中文 / English"``, shown beside its field),
    or None: a character no document or database takes (:data:`NOT_TEXT`), or more than ``max_length`` characters."""
    if NOT_TEXT.search(text):
        return CONTROL_CHARACTERS
    if max_length is not None and len(text) > max_length:
        return f"超过 {max_length} 字 / longer than {max_length} characters"
    return None


def printable(text: str) -> str:
    """``text`` with every character :data:`NOT_TEXT` matches written as U+FFFD (�), visibly — for the writers of
    documents (DOCX, PDF, XLSX), which text stored before :func:`text_refusal` guarded the forms still reaches (an older
    row holding a NUL, an imported corpus title with a vertical tab): python-docx and openpyxl refuse the whole file for
    one such character, WeasyPrint a lone surrogate. The stored text stays as it is."""
    return NOT_TEXT.sub(REPLACEMENT, text)


def whole_number(text: str) -> int | None:
    """The integer ``text`` writes — digits with an optional sign, decimals or exponent (``12``, ``12.0``, ``1.2E+3``)
    — exactly, or ``None`` when it writes no whole number (``1.5``, ``abc``, ``NaN``, ``inf``) or one of more than
    :data:`WHOLE_DIGITS` digits. Read as a ``Decimal``, never through a float: a float keeps 53 bits, so an integer
    above 2^53 (9007199254740993) lost its last digits, and ``1e400`` became infinity."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value() or number.adjusted() >= WHOLE_DIGITS:
        return None
    return int(number)


def yaml_safe_load(text: str | bytes) -> Any:
    """One YAML document of the platform's own files (declarations, funds, catalogues, templates) with
    YAML 1.2 booleans; errors are PyYAML's (``yaml.YAMLError``)."""
    return yaml.load(text, Loader=_FileLoader)  # a SafeLoader


def halves(what: str) -> tuple[str, str]:
    """The Chinese and English names of an uploaded file's kind, given as ``"规划文件 YAML / plan YAML"``
    (or one name for both): a message says ``"<zh> … / <en> …"``, one Chinese half and one English
    half, so a page in either language can show its own (``zhichan.web.i18n.in_language``)."""
    zh, sep, en = what.partition(" / ")
    return (zh, en) if sep else (what, what)


def load_yaml(data: bytes | str, *, what: str = "YAML") -> Any:
    """One YAML document from an upload, within the bounds above; ``InputError`` with the reason."""
    zh, en = halves(what)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{zh} 须为 UTF-8 编码（第 {exc.start} 字节无法解码；请用 UTF-8 另存） / {en} must be UTF-8 "
                f"(byte {exc.start} does not decode; save it as UTF-8)"
            ) from None
    else:
        text = data
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InputError(f"{zh} 格式错误 / malformed {en}: {str(exc)[:300]}") from None
    except RecursionError:
        raise InputError(f"{zh} 嵌套过深 / {en} nested too deeply") from None


def check_xlsx(source: Path | bytes, *, max_bytes: int = XLSX_MAX_BYTES, max_members: int = XLSX_MAX_MEMBERS,
               max_ratio: int = XLSX_MAX_RATIO, what: str = "XLSX") -> None:
    """Refuse an XLSX that is not a plain Office workbook of bounded size (see the module notes)."""
    zh, en = halves(what)
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise InputError(f"{zh} 文件结构异常（{len(members)} 个部件） / {en} has too many parts")
            total = sum(m.file_size for m in members)
            if total > max_bytes:
                raise InputError(
                    f"{zh} 解压后过大（{total >> 20} MB，最多 {max_bytes >> 20} MB） / {en} unpacks to "
                    f"{total >> 20} MB (at most {max_bytes >> 20} MB)"
                )
            for member in members:
                if member.file_size > max_ratio * max(member.compress_size, 1024):
                    raise InputError(f"{zh} 压缩比异常（疑似压缩炸弹） / {en} compresses suspiciously well "
                                     f"({member.filename[:60]})")
                if member.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_dtd(archive, member):
                    raise InputError(f"{zh} 含有 DTD/实体声明，已拒绝 / {en} declares a DTD or entities "
                                     f"({member.filename[:60]}); Office never writes one")
    except zipfile.BadZipFile:
        raise InputError(f"{zh} 文件已损坏或不是 XLSX / {en} is damaged or not an XLSX file") from None


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the XML member has a document type declaration — read in chunks up to its declared
    size (zipfile stops there and checks the CRC), keeping an overlap so a split match is found."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            if _DTD.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False
