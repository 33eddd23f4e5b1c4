"""The staff PIN, kept only as a salted scrypt hash.

Staff leave the kiosk with a key chord and this PIN. The configuration holds
the hash (``dfhelper pin`` makes one), never the PIN itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

_N, _R, _P = 2**14, 8, 1
_PREFIX = "scrypt"


def normalise_pin(pin: str) -> str:
    """ASCII digits for any Unicode digits (a PIN typed on a Bengali or Arabic keyboard still works)."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in pin.strip())


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str) -> str:
    """The stored form of ``pin`` (4 to 12 digits). Raises ValueError for anything else."""
    digits = normalise_pin(pin)
    if not (digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 12):
        raise ValueError("A staff PIN must be 4 to 12 digits.")
    salt = secrets.token_bytes(16)
    return f"{_PREFIX}${_N}${_R}${_P}${salt.hex()}${_derive(digits, salt, _N, _R, _P).hex()}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _PREFIX:
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return None
    if n < 2**10 or n > 2**20 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 or len(digest) != 32:
        return None
    return n, r, p, salt, digest


def is_pin_hash(stored: str) -> bool:
    """True when ``stored`` looks like a value made by `hash_pin`."""
    return _parse(stored) is not None


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored``; False for a wrong PIN or a malformed hash."""
    parsed = _parse(stored)
    digits = normalise_pin(pin)
    if parsed is None or not (digits.isascii() and digits.isdigit()):
        return False
    n, r, p, salt, digest = parsed
    return hmac.compare_digest(_derive(digits, salt, n, r, p), digest)
