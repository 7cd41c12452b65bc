"""A small, slow, independent SM2 (GB/T 32918.2) used only to cross-check gmssl-pyx in tests.

Written from the standard's formulas with Python integers; affine coordinates, no side-channel care.
"""

from __future__ import annotations

import hashlib

P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G = (
    0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
)

Point = tuple[int, int] | None


def add(p: Point, q: Point) -> Point:
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        lam = (3 * p[0] * p[0] + A) * pow(2 * p[1], -1, P) % P
    else:
        lam = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (lam * lam - p[0] - q[0]) % P
    return x, (lam * (p[0] - x) - p[1]) % P


def mul(k: int, p: Point) -> Point:
    result: Point = None
    while k:
        if k & 1:
            result = add(result, p)
        p = add(p, p)
        k >>= 1
    return result


def _b32(v: int) -> bytes:
    return v.to_bytes(32, "big")


def z_value(public: tuple[int, int], uid: bytes = b"1234567812345678") -> bytes:
    entl = (len(uid) * 8).to_bytes(2, "big")
    data = entl + uid + _b32(A) + _b32(B) + _b32(G[0]) + _b32(G[1]) + _b32(public[0]) + _b32(public[1])
    return hashlib.new("sm3", data).digest()


def e_value(public: tuple[int, int], message: bytes) -> int:
    return int.from_bytes(hashlib.new("sm3", z_value(public) + message).digest(), "big")


def sign(d: int, message: bytes, k: int) -> tuple[int, int]:
    public = mul(d, G)
    assert public is not None
    e = e_value(public, message)
    point = mul(k, G)
    assert point is not None
    r = (e + point[0]) % N
    s = pow(1 + d, -1, N) * (k - r * d) % N
    return r, s


def verify(public: tuple[int, int], message: bytes, r: int, s: int) -> bool:
    if not (1 <= r < N and 1 <= s < N):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    point = add(mul(s, G), mul(t, public))
    return point is not None and (e_value(public, message) + point[0]) % N == r


def der_to_rs(der: bytes) -> tuple[int, int]:
    """Parse the DER SEQUENCE { INTEGER r, INTEGER s } of a short-form signature."""
    assert der[0] == 0x30 and der[1] == len(der) - 2
    pos, values = 2, []
    for _ in range(2):
        assert der[pos] == 0x02
        length = der[pos + 1]
        values.append(int.from_bytes(der[pos + 2 : pos + 2 + length], "big"))
        pos += 2 + length
    return values[0], values[1]


def rs_to_der(r: int, s: int) -> bytes:
    def integer(v: int) -> bytes:
        body = v.to_bytes((v.bit_length() + 8) // 8, "big")
        return b"\x02" + bytes([len(body)]) + body

    body = integer(r) + integer(s)
    return b"\x30" + bytes([len(body)]) + body
