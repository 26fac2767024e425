"""RFC 6238 TOTP (SHA-1, 6 digits, 30 s) as AWS virtual MFA devices use it. No pyotp on purpose."""

import base64
import hashlib
import hmac
import struct

PERIOD = 30
DIGITS = 6


def window_of(unix_secs: float) -> int:
    """The 30 s time step (RFC 6238 counter) that `unix_secs` falls in."""
    return int(unix_secs // PERIOD)


def code_at_window(seed_b32: str, window: int) -> str:
    """The 6-digit code for `window`; `seed_b32` is base32, padding optional."""
    key = base64.b32decode(seed_b32 + "=" * (-len(seed_b32) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", window), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)
