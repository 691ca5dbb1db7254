"""Verification codes: 128 random bits in Crockford base32, plus two check characters.

The check characters catch a mistyped or altered code before any look-up; validity itself comes
only from an exact match of a stored code, so a forged code never shows as valid. 128 bits make
guessing hopeless even without the rate limit.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_CHARS = 26  # ceil(128 / 5)
CHECK_CHARS = 2
CODE_LENGTH = RANDOM_CHARS + CHECK_CHARS


def _encode(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _check(body: str) -> str:
    digest = int.from_bytes(hashlib.sha256(body.encode("ascii")).digest()[:2], "big")
    return _encode(digest >> (16 - 5 * CHECK_CHARS), CHECK_CHARS)


def new_code() -> str:
    """A fresh code in canonical form (28 characters, no separators)."""
    body = _encode(secrets.randbits(128), RANDOM_CHARS)
    return body + _check(body)


def normalise(raw: str) -> str | None:
    """The canonical form of a typed or scanned code, or None when it cannot be one of ours
    (wrong length, foreign characters or a failed check)."""
    code = "".join(raw.split()).replace("-", "").upper().translate(_ALIASES)
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    body, check = code[:RANDOM_CHARS], code[RANDOM_CHARS:]
    if not secrets.compare_digest(_check(body), check):
        return None
    return code


def format_code(code: str) -> str:
    """Groups of four for reading aloud and typing: XXXX-XXXX-…"""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
