"""Password hashing with hashlib.scrypt (a random salt per user; constant-time checks)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["hash_password", "new_password", "verify_password"]

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash` (hex).

    >>> verify_password("s3cret", hash_password("s3cret")), verify_password("x", hash_password("y"))
    (True, False)
    """
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(digest) // 2)  # fmt: skip
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual.hex(), digest)


def new_password() -> str:
    """A one-time password to print once."""
    return secrets.token_urlsafe(12)
