"""RFC 6962 / RFC 9162 tree hashing, proofs and verification, against the standard test vectors.

Vectors: the 8-leaf SHA-256 tree used by Certificate Transparency implementations
(transparency-dev/merkle ``proof/verify_test.go``), written here by value.
"""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from zhichan.evidence import merkle
from zhichan.evidence.merkle import SHA256, SM3, MemoryTree

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
ROOTS = [  # root of the tree of the first 1..8 leaves
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, proof)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [  # (first size, second size, proof)
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def tree8() -> MemoryTree:
    tree = MemoryTree(SHA256)
    for leaf in LEAVES:
        tree.append(leaf)
    return tree


def h(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def test_sm3_standard_vector() -> None:
    # GB/T 32905-2016 example 1
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert SM3.size == 32


def test_empty_tree_hash_is_hash_of_nothing() -> None:
    assert SHA256.empty().hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert MemoryTree(SHA256).root() == SHA256.empty()


def test_roots_match_rfc6962_vectors() -> None:
    tree = tree8()
    assert [tree.root(n).hex() for n in range(1, 9)] == ROOTS
    assert [merkle.mth(SHA256, [SHA256.leaf(x) for x in LEAVES[:n]]).hex() for n in range(1, 9)] == ROOTS


def test_inclusion_proofs_match_vectors_and_verify() -> None:
    tree = tree8()
    for index, size, proof in INCLUSION:
        assert tree.inclusion_proof(index, size) == h(proof)
        assert merkle.verify_inclusion(SHA256, index, size, SHA256.leaf(LEAVES[index]), h(proof), bytes.fromhex(ROOTS[size - 1]))
    assert tree.inclusion_proof(0, 1) == []


def test_consistency_proofs_match_vectors_and_verify() -> None:
    tree = tree8()
    for first, second, proof in CONSISTENCY:
        assert tree.consistency_proof(first, second) == h(proof)
        assert merkle.verify_consistency(
            SHA256, first, second, bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1]), h(proof)
        )


def corruptions(proof: list[bytes], root: bytes) -> list[list[bytes]]:
    out = [[*proof, b""], [*proof, root], [b"", *proof], [root, *proof]]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        out.append(flipped)
    if proof:
        out.append(proof[:-1])
    if len(proof) > 1:
        out.append([proof[0], SOME_HASH, *proof[1:]])
    return out


def test_corrupted_inclusion_proofs_fail() -> None:
    for index, size, proof_hex in INCLUSION:
        proof, root, leaf = h(proof_hex), bytes.fromhex(ROOTS[size - 1]), SHA256.leaf(LEAVES[index])
        verify = merkle.verify_inclusion
        assert not verify(SHA256, index - 1, size, leaf, proof, root)
        assert not verify(SHA256, index + 1, size, leaf, proof, root)
        assert not verify(SHA256, index ^ 2, size, leaf, proof, root)
        assert not verify(SHA256, index, size * 2, leaf, proof, root)
        assert not verify(SHA256, index, size // 2, leaf, proof, root)
        assert not verify(SHA256, index, size, SHA256.leaf(b"WrongLeaf"), proof, root)
        assert not verify(SHA256, index, size, leaf, proof, SHA256.empty())
        assert not verify(SHA256, index, size, leaf, proof, SOME_HASH)
        for bad in corruptions(proof, root):
            assert not verify(SHA256, index, size, leaf, bad, root)


def test_corrupted_consistency_proofs_fail() -> None:
    for first, second, proof_hex in CONSISTENCY:
        proof = h(proof_hex)
        r1, r2 = bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1])
        verify = merkle.verify_consistency
        for f, s in [(first - 1, second), (first + 1, second), (first ^ 2, second), (first, second * 2), (first, second // 2)]:
            assert not verify(SHA256, f, s, r1, r2, proof)
        assert not verify(SHA256, first, second, SOME_HASH, r2, proof)
        assert not verify(SHA256, first, second, r1, SOME_HASH, proof)
        assert not verify(SHA256, first, second, r2, r1, proof)
        assert not verify(SHA256, first, second, r1, r2, [])
        for bad in [*corruptions(proof, r1), [*proof, r2], [r2, *proof], [proof[0], *proof]]:
            assert not verify(SHA256, first, second, r1, r2, bad)


def test_consistency_edge_cases() -> None:
    r = SOME_HASH
    assert merkle.verify_consistency(SHA256, 0, 0, r, r, [])
    assert merkle.verify_consistency(SHA256, 0, 5, r, SHA256.empty(), [])
    assert merkle.verify_consistency(SHA256, 3, 3, r, r, [])
    assert not merkle.verify_consistency(SHA256, 3, 3, r, SHA256.empty(), [])
    assert not merkle.verify_consistency(SHA256, 3, 3, r, r, [r])
    assert not merkle.verify_consistency(SHA256, 2, 1, r, r, [])


def test_proofs_need_logarithmic_lookups_at_ten_million() -> None:
    """Every node a proof needs is a stored perfect subtree; their count is O(log n), not O(n)."""
    n = 10_000_000
    for index in (0, 1, 4_999_999, 8_388_607, 8_388_608, n - 1):
        ranges = merkle.inclusion_ranges(index, n)
        assert len(ranges) <= n.bit_length()
        assert len(merkle.nodes_for(ranges)) <= 2 * n.bit_length()
    for first in (1, 3, 1_000_001, 8_388_608, n - 1):
        ranges = merkle.consistency_ranges(first, n)
        assert len(merkle.nodes_for(ranges)) <= 3 * n.bit_length()


def test_frontier_matches_recursive_definition() -> None:
    tree = MemoryTree(SM3)
    leaves: list[bytes] = []
    for i in range(70):
        tree.append(str(i).encode())
        leaves.append(SM3.leaf(str(i).encode()))
        assert tree.frontier.root() == merkle.mth(SM3, leaves) == tree.root()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40))
def test_every_inclusion_proof_verifies_at_every_later_size(data: list[bytes]) -> None:
    tree = MemoryTree(SM3)
    for d in data:
        tree.append(d)
    for size in range(1, len(data) + 1):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert merkle.verify_inclusion(SM3, index, size, SM3.leaf(data[index]), proof, root)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.data())
def test_consistency_between_random_sizes_verifies(n: int, data: st.DataObject) -> None:
    tree = MemoryTree(SM3)
    for i in range(n):
        tree.append(i.to_bytes(4, "big"))
    second = data.draw(st.integers(1, n))
    first = data.draw(st.integers(0, second))
    proof = tree.consistency_proof(first, second)
    assert merkle.verify_consistency(SM3, first, second, tree.root(first), tree.root(second), proof)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        j = data.draw(st.integers(0, 31))
        bad = list(proof)
        bad[i] = bad[i][:j] + bytes([bad[i][j] ^ 1]) + bad[i][j + 1 :]
        assert not merkle.verify_consistency(SM3, first, second, tree.root(first), tree.root(second), bad)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 200), st.data())
def test_single_byte_change_in_leaf_proof_or_root_fails(n: int, data: st.DataObject) -> None:
    tree = MemoryTree(SM3)
    for i in range(n):
        tree.append(i.to_bytes(4, "big"))
    index = data.draw(st.integers(0, n - 1))
    leaf, proof, root = index.to_bytes(4, "big"), tree.inclusion_proof(index), tree.root()
    assert merkle.verify_inclusion(SM3, index, n, SM3.leaf(leaf), proof, root)
    target = data.draw(st.sampled_from(["leaf", "proof", "root"]))
    delta = data.draw(st.integers(1, 255))
    if target == "leaf":
        pos = data.draw(st.integers(0, len(leaf) - 1))
        leaf = leaf[:pos] + bytes([leaf[pos] ^ delta]) + leaf[pos + 1 :]
    elif target == "proof":
        k = data.draw(st.integers(0, len(proof) - 1))
        pos = data.draw(st.integers(0, 31))
        proof[k] = proof[k][:pos] + bytes([proof[k][pos] ^ delta]) + proof[k][pos + 1 :]
    else:
        pos = data.draw(st.integers(0, 31))
        root = root[:pos] + bytes([root[pos] ^ delta]) + root[pos + 1 :]
    assert not merkle.verify_inclusion(SM3, index, n, SM3.leaf(leaf), proof, root)
