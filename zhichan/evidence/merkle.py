"""The Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2), with a pluggable hash.

Pure functions, no database: the log (``zhichan.evidence.log``) stores node hashes and asks this
module *which* nodes a proof needs (:func:`inclusion_nodes`, :func:`consistency_nodes`), fetches
them with one indexed query, and assembles the proof. Verifiers (:func:`verify_inclusion`,
:func:`verify_consistency`) are the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, written from the
RFC text, and need nothing but the hash.

Node coordinates: ``(level, index)`` names the perfect subtree of ``2**level`` leaves starting at
leaf ``index * 2**level``; level 0 is a leaf hash. Every range an RFC proof needs is either such a
perfect subtree or a right edge ``[start, n)`` that splits into at most ⌈log2 n⌉ of them, so a proof
costs O(log n) lookups whatever the size of the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Node = tuple[int, int]  # (level, index)

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


@dataclass(frozen=True)
class Hasher:
    """RFC 9162 §2.1.1 hashing with domain separation: leaves ``H(0x00 || d)``, nodes ``H(0x01 || l || r)``."""

    name: str  # a hashlib name: "sm3" (the log's hash) or "sha256" (RFC 6962 test vectors)

    @property
    def size(self) -> int:
        return hashlib.new(self.name).digest_size

    def empty(self) -> bytes:
        """MTH({}) = HASH() — the root of the empty tree."""
        return hashlib.new(self.name).digest()

    def leaf(self, data: bytes) -> bytes:
        return hashlib.new(self.name, LEAF_PREFIX + data).digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        return hashlib.new(self.name, NODE_PREFIX + left + right).digest()


SM3 = Hasher("sm3")
SHA256 = Hasher("sha256")


def _largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k (RFC 9162's split point); n must be > 1."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_pieces(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up ``[start, end)``, left to right.

    Every range an RFC 9162 proof names starts at a multiple of a power of two at least as large as
    its biggest piece, so the greedy split by the bits of ``end - start`` lands on aligned subtrees.
    """
    pieces: list[Node] = []
    size = end - start
    pos = start
    for level in range(size.bit_length() - 1, -1, -1):
        width = 1 << level
        if size & width:
            if pos % width:
                raise ValueError(f"range [{start}, {end}) is not aligned at {pos} for width {width}")
            pieces.append((level, pos >> level))
            pos += width
    return pieces


def fold_pieces(hasher: Hasher, hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its perfect pieces (left to right): H(P1, H(P2, … H(Pm-1, Pm)))."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = hasher.node(h, acc)
    return acc


def _path_ranges(m: int, start: int, end: int) -> list[tuple[int, int]]:
    """PATH(m, D[start:end]) of RFC 9162 §2.1.3.1 as ranges, leaf to root."""
    out: list[tuple[int, int]] = []
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if m < k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            m -= k
            start += k
    out.reverse()
    return out


def _subproof_ranges(m: int, start: int, end: int) -> list[tuple[int, int]]:
    """PROOF(m, D[start:end]) = SUBPROOF(m, D, true) of RFC 9162 §2.1.4.1 as ranges, in proof order."""
    out: list[tuple[int, int]] = []
    complete = True
    while True:
        n = end - start
        if m == n:
            if not complete:
                out.append((start, end))
            break
        k = _largest_power_of_two_below(n)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            m -= k
            start += k
            complete = False
    out.reverse()
    return out


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    return _path_ranges(index, 0, size)


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first == 0 or first == second:
        return []
    return _subproof_ranges(first, 0, second)


def nodes_for(ranges: Sequence[tuple[int, int]]) -> list[Node]:
    """Every stored node the ranges need (deduplicated, for one batched lookup)."""
    seen: dict[Node, None] = {}
    for start, end in ranges:
        for piece in perfect_pieces(start, end):
            seen[piece] = None
    return list(seen)


def assemble(hasher: Hasher, ranges: Sequence[tuple[int, int]], lookup: Mapping[Node, bytes]) -> list[bytes]:
    """Turn proof ranges into proof hashes using looked-up perfect-subtree hashes."""
    return [fold_pieces(hasher, [lookup[p] for p in perfect_pieces(s, e)]) for s, e in ranges]


def root_from_pieces(hasher: Hasher, size: int, lookup: Mapping[Node, bytes] | Callable[[Node], bytes]) -> bytes:
    """MTH(D[0:size]) from the perfect subtrees of ``[0, size)`` (the log's frontier)."""
    if size == 0:
        return hasher.empty()
    get = lookup if callable(lookup) else lookup.__getitem__
    return fold_pieces(hasher, [get(p) for p in perfect_pieces(0, size)])


# -- reference implementations over an in-memory list (tests, small trees, audits) -----------------


def mth(hasher: Hasher, leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over leaf hashes, by the recursive definition."""
    n = len(leaf_hashes)
    if n == 0:
        return hasher.empty()
    if n == 1:
        return leaf_hashes[0]
    k = _largest_power_of_two_below(n)
    return hasher.node(mth(hasher, leaf_hashes[:k]), mth(hasher, leaf_hashes[k:]))


class Frontier:
    """The maximal perfect subtrees of the tree so far (a compact range of [0, size)), O(log n) memory.

    Appending a leaf hash returns every node it completes, which is exactly what the log writes;
    the root at the current size is a fold of the frontier. Used by appends and by the streaming audit.
    """

    def __init__(self, hasher: Hasher, size: int = 0, pieces: Mapping[Node, bytes] | None = None) -> None:
        self.hasher = hasher
        self.size = size
        wanted = perfect_pieces(0, size)
        self.stack: list[tuple[int, int, bytes]] = [(lv, ix, (pieces or {})[(lv, ix)]) for lv, ix in wanted]

    def append(self, leaf_hash: bytes) -> list[tuple[Node, bytes]]:
        level, index, h = 0, self.size, leaf_hash
        written = [((0, index), h)]
        while self.stack and self.stack[-1][0] == level:
            _, _, left = self.stack.pop()
            h = self.hasher.node(left, h)
            level, index = level + 1, index >> 1
            written.append(((level, index), h))
        self.stack.append((level, index, h))
        self.size += 1
        return written

    def root(self) -> bytes:
        if not self.stack:
            return self.hasher.empty()
        return fold_pieces(self.hasher, [h for _, _, h in self.stack])


class MemoryTree:
    """An in-memory tree with the same node layout as the database log (tests, small offline trees)."""

    def __init__(self, hasher: Hasher = SM3) -> None:
        self.hasher = hasher
        self.nodes: dict[Node, bytes] = {}
        self.frontier = Frontier(hasher)

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, data: bytes) -> int:
        self.nodes.update(self.frontier.append(self.hasher.leaf(data)))
        return self.size - 1

    def root(self, size: int | None = None) -> bytes:
        return root_from_pieces(self.hasher, self.size if size is None else size, self.nodes)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return assemble(self.hasher, inclusion_ranges(index, self.size if size is None else size), self.nodes)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        return assemble(self.hasher, consistency_ranges(first, self.size if second is None else second), self.nodes)


# -- verification: RFC 9162 §2.1.3.2 and §2.1.4.2 ---------------------------------------------------


def root_from_inclusion_proof(
    hasher: Hasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes | None:
    """The root an inclusion proof leads to, or None when the proof's shape is wrong for (index, size)."""
    if not 0 <= index < size:
        return None
    if any(len(p) != hasher.size for p in proof) or len(leaf_hash) != hasher.size:
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = hasher.node(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = hasher.node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r


def verify_inclusion(
    hasher: Hasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf ``index`` with ``leaf_hash`` in the tree ``(size, root)``?"""
    return root_from_inclusion_proof(hasher, index, size, leaf_hash, proof) == root


def verify_consistency(
    hasher: Hasher, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``(second, second_root)`` an append-only extension of ``(first, first_root)``?"""
    if not 0 <= first <= second:
        return False
    if any(len(p) != hasher.size for p in proof):
        return False
    if first == 0:
        # Every tree extends the empty tree; there is nothing to prove.
        return len(proof) == 0
    if first == second:
        return len(proof) == 0 and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # first is an exact power of two: its root is a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = hasher.node(c, fr)
            sr = hasher.node(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = hasher.node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
