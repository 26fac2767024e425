"""The emulator's own behaviour, through boto3 against a started server (the way the Rust tests use it).

Run: `$TWOFOLD_VENV/bin/python -m pytest -q tests/iam_emulator` (see scripts/setup-python.sh).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

TESTS_DIR = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def totp(seed: str, window: int) -> str:
    """RFC 6238, written again here so the tests do not trust the emulator's own TOTP."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack(">Q", window), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[o : o + 4])[0] & 0x7FFFFFFF) % 1_000_000).zfill(6)


def now_window() -> int:
    """The current 30 s window, waiting out the last 3 s of one so a test's few requests all see
    the same "now" as the server (its tolerance is +-1 window)."""
    into = time.time() % 30
    if into > 27:
        time.sleep(30 - into + 0.05)
    return int(time.time() // 30)


@pytest.fixture(scope="module")
def server():
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "iam_emulator"],
        cwd=TESTS_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    admin = None
    port = None
    for line in proc.stdout:
        if line.startswith("ADMIN "):
            admin = json.loads(line[len("ADMIN ") :])
        elif line.startswith("LISTENING "):
            port = int(line.split()[1])
            break
    assert admin and port, "emulator did not start"
    print(f"emulator ready in {time.monotonic() - started:.2f}s")
    yield {"endpoint": f"http://127.0.0.1:{port}", "admin": admin}
    proc.stdin.close()  # the emulator exits on stdin EOF
    assert proc.wait(timeout=10) == 0


def client(server, service, key_id, secret, token=None, retries=0):
    return boto3.client(
        service,
        endpoint_url=server["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"total_max_attempts": retries + 1, "mode": "standard"}),
    )


@pytest.fixture(scope="module")
def iam(server):
    a = server["admin"]
    return client(server, "iam", a["accessKeyId"], a["secretAccessKey"])


@pytest.fixture
def user(server, iam):
    """A fresh IAM user allowed everything, with its own key; returns (name, iam, sts)."""
    name = f"u-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="all",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return (
        name,
        client(server, "iam", k["AccessKeyId"], k["SecretAccessKey"]),
        client(server, "sts", k["AccessKeyId"], k["SecretAccessKey"]),
    )


def new_device(iam, name=None):
    d = iam.create_virtual_mfa_device(VirtualMFADeviceName=name or f"d-{uuid.uuid4().hex[:10]}")
    d = d["VirtualMFADevice"]
    return d["SerialNumber"], d["Base32StringSeed"].decode(), d["QRCodePNG"]


def error(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def devices(server):
    with urllib.request.urlopen(server["endpoint"] + "/_twofold/devices") as r:
        return json.load(r)


def enable(iam, user_name, serial, seed, w=None):
    w = now_window() - 1 if w is None else w
    iam.enable_mfa_device(
        UserName=user_name,
        SerialNumber=serial,
        AuthenticationCode1=totp(seed, w),
        AuthenticationCode2=totp(seed, w + 1),
    )


def test_good_codes_enable_the_device(server, iam, user):
    name, _, _ = user
    serial, seed, _ = new_device(iam)
    enable(iam, name, serial, seed)
    listed = iam.list_mfa_devices(UserName=name)["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]
    state = devices(server)[serial]
    assert state["enabled"] and state["user"] == name and state["codesVerified"]
    assert state["lastUsedWindow"] == now_window() or state["lastUsedWindow"] == now_window() - 1


@pytest.mark.parametrize(
    "codes",
    [
        lambda seed, w: ("123456", "654321"),  # garbage
        lambda seed, w: (totp(seed, w), totp(seed, w)),  # the same code twice
        lambda seed, w: (totp(seed, w - 1), totp(seed, w + 1)),  # not consecutive
        lambda seed, w: (totp(seed, w + 1), totp(seed, w)),  # consecutive, wrong order
        lambda seed, w: (totp(seed, w - 5), totp(seed, w - 4)),  # too old
    ],
    ids=["garbage", "same-twice", "non-consecutive", "reversed", "stale"],
)
def test_bad_codes_are_refused(server, iam, user, codes):
    name, _, _ = user
    serial, seed, _ = new_device(iam)
    c1, c2 = codes(seed, now_window())
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1=c1, AuthenticationCode2=c2
        )
    assert error(e) == ("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
    assert not devices(server)[serial]["enabled"]


def test_malformed_code_is_a_validation_error(iam, user):
    name, _, _ = user
    serial, _, _ = new_device(iam)
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1="12a456", AuthenticationCode2="123456"
        )
    assert error(e)[0] == "ValidationError" and error(e)[2] == 400


def test_reused_codes_are_refused(iam, user):
    name, _, _ = user
    serial, seed, _ = new_device(iam)
    w = now_window() - 1
    enable(iam, name, serial, seed, w)
    iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    with pytest.raises(ClientError) as e:
        enable(iam, name, serial, seed, w)  # the same pair again
    assert error(e)[0] == "InvalidAuthenticationCode"
    with pytest.raises(ClientError) as e:
        enable(iam, name, serial, seed, w + 1)  # overlaps: w+1 was burnt by the first enable
    assert error(e)[0] == "InvalidAuthenticationCode"
    enable(iam, name, serial, seed, w + 2)  # fresh windows (now+1, now+2) work


def test_ninth_device_is_refused(iam, user):
    name, _, _ = user
    for _ in range(8):
        serial, seed, _ = new_device(iam)
        enable(iam, name, serial, seed)
    serial, seed, _ = new_device(iam)
    with pytest.raises(ClientError) as e:
        enable(iam, name, serial, seed)
    assert error(e) == ("LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8", 409)


def test_deleting_an_assigned_device_conflicts(iam, user):
    name, _, _ = user
    serial, seed, _ = new_device(iam)
    enable(iam, name, serial, seed)
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error(e)[0] == "DeleteConflict" and error(e)[2] == 409
    iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=name)["MFADevices"] == []


def test_resync_validates_and_works(iam, user):
    name, _, _ = user
    serial, seed, _ = new_device(iam)
    w = now_window() - 1
    enable(iam, name, serial, seed, w)
    with pytest.raises(ClientError) as e:
        iam.resync_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1="000000", AuthenticationCode2="111111"
        )
    assert error(e)[0] == "InvalidAuthenticationCode"
    with pytest.raises(ClientError) as e:  # the enable codes cannot be replayed
        iam.resync_mfa_device(
            UserName=name,
            SerialNumber=serial,
            AuthenticationCode1=totp(seed, w),
            AuthenticationCode2=totp(seed, w + 1),
        )
    assert error(e)[0] == "InvalidAuthenticationCode"
    # w+1 is burnt; the next usable pair within +-1 window of now starts at w+2 = now+1.
    iam.resync_mfa_device(
        UserName=name,
        SerialNumber=serial,
        AuthenticationCode1=totp(seed, w + 2),
        AuthenticationCode2=totp(seed, w + 3),
    )


def test_session_token_checks_the_code_and_its_credentials_work(server, iam, user):
    name, user_iam, user_sts = user
    serial, seed, _ = new_device(iam)
    w = now_window() - 1
    enable(iam, name, serial, seed, w)
    for code in ["000000", totp(seed, w + 1)]:  # garbage, then a code already used by Enable
        with pytest.raises(ClientError) as e:
            user_sts.get_session_token(SerialNumber=serial, TokenCode=code)
        assert error(e) == (
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            403,
        )
    with pytest.raises(ClientError) as e:
        user_sts.get_session_token(SerialNumber=serial)
    assert error(e)[0] == "AccessDenied"

    creds = user_sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, w + 2))["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    with pytest.raises(ClientError) as e:  # the same code again
        user_sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, w + 2))
    assert error(e)[0] == "AccessDenied"

    token = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    ident = client(server, "sts", *token).get_caller_identity()
    assert ident["Arn"].endswith(f":user/{name}")
    session_iam = client(server, "iam", *token)
    assert session_iam.get_user()["User"]["UserName"] == name
    assert [d["SerialNumber"] for d in session_iam.list_mfa_devices()["MFADevices"]] == [serial]
    with pytest.raises(ClientError) as e:  # a wrong session token is refused
        client(server, "sts", token[0], token[1], "bogus").get_caller_identity()
    assert error(e)[0] == "InvalidClientTokenId"


def test_mfa_condition_is_evaluated_for_session_credentials(server, iam, user):
    name, _, user_sts = user
    iam.put_user_policy(
        UserName=name,
        PolicyName="deny-without-mfa",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "iam:ListUsers",
                        "Resource": "*",
                        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                    }
                ],
            }
        ),
    )
    serial, seed, _ = new_device(iam)
    w = now_window() - 1
    enable(iam, name, serial, seed, w)
    plain = user_sts.get_session_token()["Credentials"]
    with_mfa = user_sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, w + 2))["Credentials"]

    def list_users(c):
        return client(server, "iam", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]).list_users()

    with pytest.raises(ClientError) as e:
        list_users(plain)
    assert error(e)[0] == "AccessDenied"
    list_users(with_mfa)


def test_qr_code_is_a_png_of_the_otpauth_uri(iam):
    serial, seed, png = new_device(iam, name="alice")
    assert png.startswith(PNG_SIGNATURE) and len(png) > 200
    width, height = struct.unpack(">II", png[16:24])
    assert width == height and width >= 100
    # No QR decoder in the venv: check the URI the PNG was made from by rebuilding it.
    from iam_emulator.hardening import otpauth_uri, qr_png

    uri = otpauth_uri("alice", "123456789012", seed)
    assert uri == (
        f"otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret={seed}"
        "&issuer=Amazon%20Web%20Services"
    )
    assert qr_png(uri) == png
    assert serial == "arn:aws:iam::123456789012:mfa/alice"


@pytest.mark.parametrize("bad", ["has space", "x" * 227, "semi;colon", "ünï"])
def test_device_name_is_validated(iam, bad):
    with pytest.raises(ClientError) as e:
        iam.create_virtual_mfa_device(VirtualMFADeviceName=bad)
    assert error(e)[0] == "ValidationError" and error(e)[2] == 400


def test_unprivileged_user_is_denied(server, iam):
    name = f"nobody-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    nobody = client(server, "iam", k["AccessKeyId"], k["SecretAccessKey"])
    with pytest.raises(ClientError) as e:
        nobody.create_virtual_mfa_device(VirtualMFADeviceName=f"d-{name}")
    assert error(e)[0] == "AccessDenied" and error(e)[2] == 403


def test_throttle_injection(server, iam):
    req = urllib.request.Request(
        server["endpoint"] + "/_twofold/throttle",
        data=json.dumps({"action": "CreateVirtualMFADevice", "count": 2}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(req).read()
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            new_device(iam)
        assert error(e) == ("Throttling", "Rate exceeded", 400)
    new_device(iam)  # the third call goes through

    # And boto3's own retry rides over one injected failure.
    urllib.request.urlopen(req).read()
    a = server["admin"]
    retrying = client(server, "iam", a["accessKeyId"], a["secretAccessKey"], retries=3)
    new_device(retrying)


def attach_key(server, user_name, name="MyKey"):
    """Plays the console's part: POST /_twofold/security-key. Returns (status, json)."""
    req = urllib.request.Request(
        server["endpoint"] + "/_twofold/security-key",
        data=json.dumps({"user": user_name, "name": name}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_security_key_control_attaches_a_u2f_device(server, iam, user):
    name, user_iam, _ = user
    status, added = attach_key(server, name)
    assert status == 200, added
    serial = added["serial"]
    prefix = f"arn:aws:iam::{server['admin']['accountId']}:u2f/user/{name}/MyKey-"
    assert serial.startswith(prefix) and len(serial) == len(prefix) + 26, serial
    # The user sees it in ListMFADevices (with an enable date), not among the virtual devices.
    listed = user_iam.list_mfa_devices()["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]
    assert listed[0]["EnableDate"] is not None
    assert serial not in devices(server)
    # It counts towards the 8-device limit, for the console and for EnableMFADevice alike.
    for i in range(7):
        assert attach_key(server, name, f"k{i}")[0] == 200
    status, refused = attach_key(server, name, "ninth")
    assert status == 409 and refused["error"] == "LimitExceeded", refused
    d_serial, seed, _ = new_device(iam)
    with pytest.raises(ClientError) as e:
        enable(iam, name, d_serial, seed)
    assert error(e)[0] == "LimitExceeded"
    # Deactivating it works like any device.
    iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    assert serial not in [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=name)["MFADevices"]]


def test_security_key_control_refuses_unknown_users_and_bad_names(server):
    assert attach_key(server, "nobody-here")[0] == 404
    assert attach_key(server, "nobody-here", "has space")[0] == 400
