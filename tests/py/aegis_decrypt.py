"""Decrypts an encrypted Aegis vault export independently of Twofold, the way Aegis documents it
(docs/decrypt.py in beemdevelopment/Aegis), with the `cryptography` package only.

    python aegis_decrypt.py EXPORT.json < password

Prints the db's entries as a JSON list of {type, name, issuer, secret, algo, digits, period,
counter, groups (names)} on stdout. Used by crates/twofold-core/tests/aegis_export.rs; it runs
in the IAM emulator's venv (scripts/setup-python.sh), which has `cryptography` through moto.
"""

import base64
import json
import sys

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def master_key(header, password):
    for slot in header["slots"]:
        if slot["type"] != 1:
            continue
        kdf = Scrypt(
            salt=bytes.fromhex(slot["salt"]),
            length=32,
            n=slot["n"],
            r=slot["r"],
            p=slot["p"],
            backend=default_backend(),
        )
        wrap = kdf.derive(password)
        params = slot["key_params"]
        try:
            return AESGCM(wrap).decrypt(
                bytes.fromhex(params["nonce"]),
                bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]),
                None,
            )
        except Exception:
            continue
    sys.exit("no password slot opens with this password")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        export = json.load(f)
    password = sys.stdin.readline().rstrip("\r\n").encode("utf-8")
    header = export["header"]
    key = master_key(header, password)
    params = header["params"]
    db = AESGCM(key).decrypt(
        bytes.fromhex(params["nonce"]),
        base64.b64decode(export["db"]) + bytes.fromhex(params["tag"]),
        None,
    )
    db = json.loads(db.decode("utf-8"))
    if db["version"] != 3:
        sys.exit(f"db version {db['version']}, not 3")
    groups = {g["uuid"]: g["name"] for g in db["groups"]}
    entries = [
        {
            "type": e["type"],
            "name": e["name"],
            "issuer": e["issuer"],
            "secret": e["info"]["secret"],
            "algo": e["info"]["algo"],
            "digits": e["info"]["digits"],
            "period": e["info"].get("period"),
            "counter": e["info"].get("counter"),
            "groups": [groups[u] for u in e["groups"]],
        }
        for e in db["entries"]
    ]
    json.dump(entries, sys.stdout)


if __name__ == "__main__":
    main()
