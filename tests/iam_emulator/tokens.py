"""The hardware TOTP token inventory, as AWS's token registry keeps it.

A hardware token (Gemalto, `GAHT...`) is known to AWS before anyone enables it: its serial and seed
sit in a registry, and EnableMFADevice with that serial checks the codes against that seed. Here a
test registers tokens (`POST /_twofold/hardware-token`); `hardening.enable_mfa_device` assigns them,
DeactivateMFADevice frees them. Lock order: `hardening.LOCK` before `LOCK`.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
from dataclasses import dataclass

SERIAL = re.compile(r"[\w+=/:,.@-]{9,256}", re.ASCII)


@dataclass
class HardwareToken:
    """One token: its seed and, while enabled, the user it belongs to."""

    serial: str
    seed: str
    # Only this account may enable it; None: any account.
    account_id: str | None = None
    assigned_account: str | None = None
    assigned_user: str | None = None

    def report(self) -> dict[str, str | None]:
        return {
            "serial": self.serial,
            "seed": self.seed,
            "account": self.account_id,
            "assignedAccount": self.assigned_account,
            "assignedUser": self.assigned_user,
        }


TOKENS: dict[str, HardwareToken] = {}
LOCK = threading.Lock()


def random_seed() -> str:
    """160 random bits in base32, no padding (32 characters), as token vendors ship them."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def register(serial: str, seed: str | None = None, account_id: str | None = None) -> HardwareToken:
    """Adds a token to the inventory; ValueError if the serial or seed is malformed or taken."""
    if not SERIAL.fullmatch(serial) or serial.startswith("arn:"):
        raise ValueError(f"invalid hardware token serial {serial!r}")
    seed = random_seed() if seed is None else seed.upper().rstrip("=")
    try:
        base64.b32decode(seed + "=" * (-len(seed) % 8))
    except (ValueError, binascii.Error):
        raise ValueError("seed is not base32") from None
    with LOCK:
        if serial in TOKENS:
            raise ValueError(f"hardware token {serial} is already registered")
        token = TOKENS[serial] = HardwareToken(serial, seed, account_id)
    return token


def take_free(account_id: str, user_name: str) -> HardwareToken:
    """Assigns `user_name` a token no one holds that `account_id` may use, registering a new one
    if there is none."""
    while True:
        with LOCK:
            for token in TOKENS.values():
                if token.assigned_user is None and token.account_id in (None, account_id):
                    token.assigned_account, token.assigned_user = account_id, user_name
                    return token
        try:
            register(f"GAHT{secrets.randbelow(10**8):08d}", account_id=account_id)
        except ValueError:  # that random serial was taken
            continue


def release(serial: str) -> None:
    """Frees a token when its user deactivates it; other serials are ignored."""
    with LOCK:
        token = TOKENS.get(serial)
        if token is not None:
            token.assigned_account = token.assigned_user = None


def report() -> list[dict[str, str | None]]:
    """Every token, for `GET /_twofold/hardware-tokens`."""
    with LOCK:
        return [t.report() for t in TOKENS.values()]
