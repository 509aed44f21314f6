"""Bech32 (BIP 173), the text encoding of age keys: ``age1...`` recipients, ``AGE-SECRET-KEY-1...`` identities.

Needed to turn the X25519 keys secplan exports as PEM into age's strings (and back). Written from the
BIP 173 specification; only the plain bech32 checksum that age uses.
"""

from __future__ import annotations

from secplan.errors import InputError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GEN):
            if (top >> i) & 1:
                check ^= gen
    return check


def _expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _regroup(data: bytes | list[int], src: int, dst: int, pad: bool) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    for value in data:
        acc = (acc << src) | value
        bits += src
        while bits >= dst:
            bits -= dst
            out.append((acc >> bits) & ((1 << dst) - 1))
    if pad and bits:
        out.append((acc << (dst - bits)) & ((1 << dst) - 1))
    elif not pad and (bits >= src or (acc << (dst - bits)) & ((1 << dst) - 1)):
        raise ValueError("invalid padding")
    return out


def encode(hrp: str, payload: bytes) -> str:
    """``hrp`` + ``1`` + data + checksum, lower case (age upper-cases identities itself)."""
    data = _regroup(payload, 8, 5, True)
    mod = _polymod(_expand(hrp) + data + [0] * 6) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[d] for d in data + checksum)


def decode(text: str, hrp: str, what: str) -> bytes:
    """The payload of a bech32 string with human-readable part ``hrp``; InputError naming ``what``."""
    lowered = text.strip().lower()
    sep = lowered.rfind("1")
    if lowered[:sep] != hrp.lower() or len(lowered) - sep < 7:
        raise InputError(f"{what}: not an age key (expected {hrp}1...)")
    try:
        data = [_CHARSET.index(c) for c in lowered[sep + 1 :]]
    except ValueError:
        raise InputError(f"{what}: invalid character in an age key") from None
    if _polymod(_expand(hrp.lower()) + data) != 1:
        raise InputError(f"{what}: age key checksum does not match (mistyped or truncated)")
    try:
        return bytes(_regroup(data[:-6], 5, 8, False))
    except ValueError:
        raise InputError(f"{what}: malformed age key") from None
