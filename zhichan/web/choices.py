"""How a form offers one choice among a few: a radio group where a closed select would cut a label.

A closed ``<select>`` shows one line of its chosen option, as wide as the form: at phone width (390 px, the pages'
14 px type) that is about 21 em, and a declared ground such as 无效宣告涉及侵权纠纷、行政裁决、开放许可调解或仲裁 or
"Invalidation involving an infringement dispute, …" was cut, so the filer could not read what they had chosen. A
few choices whose labels are long are offered as radio buttons instead, each label wrapping on its own lines; many
choices (regions, kinds) and short ones (是 / 否) stay a select. The name and values are the same either way, so the
server reads the form as before.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

#: at most this many choices are offered as radio buttons (more make a long form; a select lists them)
MAX_RADIOS = 8
#: a label wider than this (in em of the page's type) may be cut in a closed select at 390 px: ~21 em of text fit,
#: less the margin a proportional Latin font's wider letters (W, m) take beyond :func:`label_em`'s average
LONG_LABEL_EM = 16.0


def label_em(text: str) -> float:
    """The width of ``text`` in em, estimated: a Chinese (wide) character 1 em, any other 0.55 em."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55 for ch in text)


def as_radios(options: Iterable[Sequence[Any]]) -> bool:
    """Whether ``options`` (``(value, label)`` pairs, labels in the page's language) are offered as radio buttons:
    at most :data:`MAX_RADIOS` of them, one label longer than :data:`LONG_LABEL_EM`."""
    labels = [str(option[1]) for option in options]
    return 0 < len(labels) <= MAX_RADIOS and max(label_em(text) for text in labels) > LONG_LABEL_EM
