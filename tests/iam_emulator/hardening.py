"""Patches moto 5.2's IAM/STS handlers in-process so the MFA calls behave like AWS.

What moto lacks and this adds (errors are AWS-shaped Query-API XML, see `AwsError`):

| call | enforced here |
| --- | --- |
| CreateVirtualMFADevice | name `[\\w+=,.@-]+`, 1..226 chars (ValidationError); QRCodePNG is a real PNG |
| EnableMFADevice | unknown serial -> NoSuchEntity; assigned -> EntityAlreadyExists; 8 per user -> LimitExceeded; codes |
| ResyncMFADevice | implemented (moto: HTTP 500); device must be the user's; codes |
| DeleteVirtualMFADevice | assigned device -> DeleteConflict |
| ListMFADevices | no UserName -> the caller |
| GetSessionToken | SerialNumber + TokenCode checked against the caller's devices; credentials that work |
| AssumeRole | the role must exist in its account and trust the caller (moto assumes anything); SerialNumber + TokenCode checked the same way when given |
| account of a request | the account that holds the signing key (moto: `MOTO_ACCOUNT_ID` for every request) |
| GetCredentialReport | a `<root_account>` row first, its `mfa_active` as GetAccountSummary's `AccountMFAEnabled` |
| hardware TOTP tokens | EnableMFADevice with a serial from the inventory (`tokens`); codes checked as for virtual devices |
| policy evaluation | `Bool`/`BoolIfExists` on `aws:MultiFactorAuthPresent` evaluated (moto ignores Bool), for GetSessionToken and AssumeRole credentials alike |

Codes: the pair must be two consecutive 30 s windows, the first within +-`TOLERANCE` windows of now;
a single code (GetSessionToken) within +-`TOLERANCE`. A window at or before the last one accepted
for that device is refused (no replay), as AWS does.
"""

from __future__ import annotations

import base64
import datetime
import fnmatch
import io
import json
import re
import secrets
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from botocore.credentials import Credentials
from werkzeug.exceptions import HTTPException

from moto.core.responses import ActionResult, BaseResponse, EmptyResult
from moto.iam import access_control
from moto.iam.access_control import (
    CreateAccessKeyFailure,
    IAMPolicyStatement,
    IAMUserAccessKey,
    PermissionResult,
)
from moto.iam.exceptions import NotFoundException as IamNotFound
from moto.iam.models import IAMBackend, iam_backends
from moto.iam.responses import IamResponse
from moto.sts.models import sts_backends
from moto.sts.responses import TokenResponse
from moto.utilities.utils import get_partition

from . import tokens
from .totp import code_at_window, window_of

IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

MFA_DEVICES_PER_USER = 8
INVALID_CODE = "Authentication code for device is not valid."
INVALID_OTP = "MultiFactorAuthentication failed with invalid MFA one time pass code."

# Windows of clock skew accepted around now (set by server.py's --tolerance).
TOLERANCE = 1

LOCK = threading.RLock()


@dataclass
class DeviceState:
    """What the emulator remembers about a virtual MFA device beyond moto's model."""

    codes_verified: bool = False
    last_used_window: int | None = None


@dataclass
class Session:
    """Credentials issued by GetSessionToken: they act as the IAM user who asked for them."""

    account_id: str
    user_name: str
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime.datetime
    mfa_serial: str | None
    mfa_auth_time: float | None


DEVICES: dict[str, DeviceState] = {}
SESSIONS: dict[str, Session] = {}
# AssumeRole credentials (access key id) -> whether MFA was used to get them.
ROLE_SESSION_MFA: dict[str, bool] = {}

# aws:MultiFactorAuthPresent of the request being authorized on this thread: True/False for
# temporary credentials, None (key absent) for long-term keys. Set in `_create_access_key`.
_CTX = threading.local()


def _now() -> float:
    return time.time()


class AwsError(HTTPException):
    """An AWS Query-API error (IAM or STS): moto's `call_action` returns it as the response."""

    def __init__(self, status: int, code: str, message: str, xmlns: str = IAM_XMLNS) -> None:
        super().__init__()
        self.code = status
        self.error_code = code
        self.description = error_xml(code, message, xmlns)

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml")]


def error_xml(code: str, message: str, xmlns: str) -> str:
    """`<ErrorResponse>` exactly as IAM and STS send it."""
    return (
        f'<ErrorResponse xmlns="{xmlns}">'
        f"<Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )


def _validation(value: Any, member: str, constraint: str, xmlns: str = IAM_XMLNS) -> AwsError:
    shown = "null" if value is None else f"'{value}'"
    return AwsError(
        400,
        "ValidationError",
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy "
        f"constraint: {constraint}",
        xmlns,
    )


def _check_code_format(value: str | None, member: str, xmlns: str = IAM_XMLNS) -> str:
    if value is None:
        raise _validation(None, member, "Member must not be null", xmlns)
    if not re.fullmatch(r"\d*", value):
        raise _validation(
            value, member, "Member must satisfy regular expression pattern: [\\d]+", xmlns
        )
    if len(value) != 6:
        op = "greater" if len(value) < 6 else "less"
        raise _validation(value, member, f"Member must have length {op} than or equal to 6", xmlns)
    return value


def _state(serial: str) -> DeviceState:
    return DEVICES.setdefault(serial, DeviceState())


def _accept_pair(serial: str, seed: str, code1: str, code2: str) -> bool:
    """Checks two consecutive codes and, when they pass, burns their windows. Hold LOCK."""
    now = window_of(_now())
    last = _state(serial).last_used_window
    for w in range(now - TOLERANCE, now + TOLERANCE + 1):
        if last is not None and w <= last:
            continue
        if code_at_window(seed, w) == code1 and code_at_window(seed, w + 1) == code2:
            _state(serial).last_used_window = w + 1
            return True
    return False


def _accept_single(serial: str, seed: str, code: str) -> bool:
    """Checks one code and, when it passes, burns its window. Hold LOCK."""
    now = window_of(_now())
    last = _state(serial).last_used_window
    for w in range(now - TOLERANCE, now + TOLERANCE + 1):
        if last is not None and w <= last:
            continue
        if code_at_window(seed, w) == code:
            _state(serial).last_used_window = w
            return True
    return False


def otpauth_uri(device_name: str, account_id: str, seed: str) -> str:
    """The URI AWS encodes in QRCodePNG."""
    issuer = "Amazon%20Web%20Services"
    label = urllib.parse.quote(device_name, safe="")
    return f"otpauth://totp/{issuer}:{label}@{account_id}?secret={seed}&issuer={issuer}"


def qr_png(data: str) -> bytes:
    """A real PNG QR code of `data`."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().get_image().save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# IAM handlers (methods installed on moto's IamResponse; moto authorizes before calling them)

_orig_create_virtual = IamResponse.create_virtual_mfa_device
_orig_delete_virtual = IamResponse.delete_virtual_mfa_device


def create_virtual_mfa_device(self: IamResponse) -> ActionResult:
    name = self._get_param("VirtualMFADeviceName")
    member = "virtualMFADeviceName"
    if name is None:
        raise _validation(None, member, "Member must not be null")
    if len(name) < 1:
        raise _validation(name, member, "Member must have length greater than or equal to 1")
    if len(name) > 226:
        raise _validation(name, member, "Member must have length less than or equal to 226")
    if not re.fullmatch(r"[\w+=,.@-]+", name, re.ASCII):
        raise _validation(
            name, member, "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        )
    result = _orig_create_virtual(self)
    device = result.result["VirtualMFADevice"]  # type: ignore[index]
    device.qr_code_png = qr_png(
        otpauth_uri(name, self.current_account, device.base32_string_seed)
    )
    with LOCK:
        DEVICES[device.serial_number] = DeviceState()
    return result


def _seed_of(serial: str, iam: IAMBackend) -> tuple[Any, tokens.HardwareToken | None, str]:
    """(virtual device or None, hardware token or None, seed) for an MFA serial in an account;
    NoSuchEntity when it is neither a virtual device there nor a token that account may use."""
    account_id = iam.account_id
    device = iam.virtual_mfa_devices.get(serial)
    if device is not None:
        return device, None, device.base32_string_seed
    token = tokens.TOKENS.get(serial)
    if token is not None and token.account_id in (None, account_id):
        return None, token, token.seed
    if ":mfa/" in serial:
        message = f"VirtualMFADevice with serial number {serial} doesn't exist."
    else:
        message = f"MFA Device with serial number {serial} does not exist."
    raise AwsError(404, "NoSuchEntity", message)


def enable_mfa_device(self: IamResponse) -> ActionResult:
    user_name = self._get_param("UserName")
    serial = self._get_param("SerialNumber")
    code1 = _check_code_format(self._get_param("AuthenticationCode1"), "authenticationCode1")
    code2 = _check_code_format(self._get_param("AuthenticationCode2"), "authenticationCode2")
    backend = self.backend
    user = backend.get_user(user_name)  # NoSuchEntity from moto
    device, token, seed = _seed_of(serial, backend)
    with LOCK, tokens.LOCK:
        if token is not None and token.assigned_user is not None:
            raise AwsError(409, "EntityAlreadyExists", "MFA Device is already in use.")
        if (device is not None and device.user is not None) or serial in user.mfa_devices:
            raise AwsError(409, "EntityAlreadyExists", f"MFA device {serial} is already in use.")
        if len(user.mfa_devices) >= MFA_DEVICES_PER_USER:
            raise AwsError(
                409,
                "LimitExceeded",
                f"Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}",
            )
        if not _accept_pair(serial, seed, code1, code2):
            raise AwsError(403, "InvalidAuthenticationCode", INVALID_CODE)
        _state(serial).codes_verified = True
        backend.enable_mfa_device(user_name, serial, code1, code2)
        if token is not None:
            token.assigned_account, token.assigned_user = self.current_account, user_name
    return EmptyResult()


_orig_deactivate = IamResponse.deactivate_mfa_device


def deactivate_mfa_device(self: IamResponse) -> ActionResult:
    """moto's, and a hardware token goes back to the inventory, free for anyone."""
    result = _orig_deactivate(self)
    tokens.release(self._get_param("SerialNumber"))
    return result


def resync_mfa_device(self: IamResponse) -> ActionResult:
    user_name = self._get_param("UserName")
    serial = self._get_param("SerialNumber")
    code1 = _check_code_format(self._get_param("AuthenticationCode1"), "authenticationCode1")
    code2 = _check_code_format(self._get_param("AuthenticationCode2"), "authenticationCode2")
    user = self.backend.get_user(user_name)
    if serial not in user.mfa_devices:
        raise AwsError(
            404, "NoSuchEntity", f"MFA device with serial number {serial} not found for user."
        )
    _, _, seed = _seed_of(serial, self.backend)
    with LOCK:
        if not _accept_pair(serial, seed, code1, code2):
            raise AwsError(403, "InvalidAuthenticationCode", INVALID_CODE)
    return EmptyResult()


def delete_virtual_mfa_device(self: IamResponse) -> ActionResult:
    serial = self._get_param("SerialNumber")
    device = self.backend.virtual_mfa_devices.get(serial)
    if device is not None and device.user is not None:
        raise AwsError(
            409,
            "DeleteConflict",
            "MFA device is assigned to a user. Deactivate it before deleting it.",
        )
    result = _orig_delete_virtual(self)
    with LOCK:
        DEVICES.pop(serial, None)
    return result


def list_mfa_devices(self: IamResponse) -> ActionResult:
    user_name = self._get_param("UserName")
    if not user_name:
        user = self.backend.get_user_from_access_key_id(self.get_access_key())
        if user is None:
            raise AwsError(
                400, "ValidationError", "Must specify userName when calling with non-User credentials"
            )
        user_name = user.name
    devices = self.backend.list_mfa_devices(user_name)
    return ActionResult(
        {
            "MFADevices": [
                {
                    "UserName": user_name,
                    "SerialNumber": d.serial_number,
                    "EnableDate": d.enable_date,
                }
                for d in devices
            ],
            "IsTruncated": False,
        }
    )


# ---------------------------------------------------------------------------------------------
# STS handlers


def _caller_user(self: TokenResponse, iam: IAMBackend) -> Any:
    return iam.get_user_from_access_key_id(self.get_access_key())


def _check_mfa(iam: IAMBackend, user: Any, serial: str | None, code: str | None) -> str | None:
    """Validates an STS SerialNumber/TokenCode pair; returns the serial, or None if none given."""
    if not serial and not code:
        return None
    if not serial or not code:
        raise AwsError(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed, must provide both MFA serial number and "
            "one time pass code.",
            STS_XMLNS,
        )
    _check_code_format(code, "tokenCode", STS_XMLNS)
    if user is None or serial not in user.mfa_devices:
        raise AwsError(403, "AccessDenied", INVALID_OTP, STS_XMLNS)
    try:
        _, _, seed = _seed_of(serial, iam)
    except AwsError:  # a security key: it has no codes
        raise AwsError(403, "AccessDenied", INVALID_OTP, STS_XMLNS) from None
    with LOCK:
        if not _accept_single(serial, seed, code):
            raise AwsError(403, "AccessDenied", INVALID_OTP, STS_XMLNS)
    return serial


def get_session_token(self: TokenResponse) -> ActionResult:
    iam = iam_backends[self.current_account][get_partition(self.region)]
    if self.get_access_key() in SESSIONS:
        raise AwsError(
            403, "AccessDenied", "Cannot call GetSessionToken with session credentials", STS_XMLNS
        )
    user = _caller_user(self, iam)
    if user is None:
        raise AwsError(
            403, "AccessDenied", "Cannot call GetSessionToken with session credentials", STS_XMLNS
        )
    duration = self._get_param("DurationSeconds")
    duration = 43200 if duration is None else int(duration)
    if duration < 900:
        raise _validation(
            duration, "durationSeconds", "Member must have value greater than or equal to 900",
            STS_XMLNS,
        )
    if duration > 129600:
        raise _validation(
            duration, "durationSeconds", "Member must have value less than or equal to 129600",
            STS_XMLNS,
        )
    serial = _check_mfa(iam, user, self._get_param("SerialNumber"), self._get_param("TokenCode"))

    # A temp key registered in moto's account-wide key table, so moto routes it to this account.
    key = iam.create_temp_access_key()
    token = base64.b64encode(b"twofold-session:" + secrets.token_bytes(240)).decode()
    expiration = datetime.datetime.now(datetime.timezone.utc).replace(
        microsecond=0, tzinfo=None
    ) + datetime.timedelta(seconds=duration)
    with LOCK:
        SESSIONS[key.access_key_id] = Session(
            account_id=self.current_account,
            user_name=user.name,
            access_key_id=key.access_key_id,
            secret_access_key=key.secret_access_key,
            session_token=token,
            expiration=expiration,
            mfa_serial=serial,
            mfa_auth_time=_now() if serial else None,
        )
    return ActionResult(
        {
            "Credentials": {
                "AccessKeyId": key.access_key_id,
                "SecretAccessKey": key.secret_access_key,
                "SessionToken": token,
                "Expiration": expiration,
            }
        }
    )


_orig_assume_role = TokenResponse.assume_role


def _caller_arns(self: TokenResponse) -> tuple[str, set[str]]:
    """(caller ARN, the trust-policy principals that name the caller)."""
    key = self.get_access_key()
    _, arn, account = sts_backends[self.current_account]["aws"].get_caller_identity(
        key, self.region
    )
    names = {"*", account, f"arn:aws:iam::{account}:root", arn}
    if ":assumed-role/" in arn:  # a role session is named by its role's ARN
        role_name = arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
        names.add(f"arn:aws:iam::{account}:role/{role_name}")
    return arn, names


def _trusts(document: str, names: set[str], mfa_present: bool | None) -> bool:
    """Whether a role's trust policy lets any of `names` call sts:AssumeRole (explicit Deny wins;
    of Conditions only aws:MultiFactorAuthPresent is evaluated)."""
    statements = json.loads(document).get("Statement", [])
    allowed = False
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if not any(fnmatch.fnmatchcase("sts:assumerole", a.lower()) for a in actions):
            continue
        principal = statement.get("Principal", {})
        aws = ["*"] if principal == "*" else principal.get("AWS", [])
        if not names.intersection(aws if isinstance(aws, list) else [aws]):
            continue
        if not _mfa_conditions_hold(statement.get("Condition", {}), mfa_present):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = statement.get("Effect") == "Allow" or allowed
    return allowed


def assume_role(self: TokenResponse) -> ActionResult:
    """moto lets anyone assume any role ARN, existing or not, in any account; AWS needs the role
    to exist and its trust policy to name the caller."""
    serial = self._get_param("SerialNumber")
    code = self._get_param("TokenCode")
    mfa_present = getattr(_CTX, "mfa_present", None)
    if serial or code:
        iam = iam_backends[self.current_account][get_partition(self.region)]
        mfa_present = _check_mfa(iam, _caller_user(self, iam), serial, code) is not None
    role_arn = str(self._get_param("RoleArn"))
    caller_arn, names = _caller_arns(self)
    match = re.fullmatch(r"arn:aws:iam::(\d{12}):role/.+", role_arn)
    role = None
    if match and match.group(1) in iam_backends:
        try:
            role = iam_backends[match.group(1)]["aws"].get_role_by_arn(role_arn)
        except IamNotFound:
            role = None
    if role is None or not _trusts(role.assume_role_policy_document, names, mfa_present):
        raise AwsError(
            403,
            "AccessDenied",
            f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: "
            f"{role_arn}",
            STS_XMLNS,
        )
    result = _orig_assume_role(self)
    key_id = result.result["Credentials"].access_key_id  # type: ignore[index]
    with LOCK:
        ROLE_SESSION_MFA[key_id] = bool(mfa_present)
    return result


# ---------------------------------------------------------------------------------------------
# Authentication of session credentials, and the MFA condition key


class SessionUserAccessKey(IAMUserAccessKey):
    """moto's view of GetSessionToken credentials: the user's policies, with a session token."""

    def __init__(self, account_id: str, partition: str, session: Session) -> None:
        self.account_id = account_id
        self.partition = partition
        self._owner_user_name = session.user_name
        self._access_key_id = session.access_key_id
        self._secret_access_key = session.secret_access_key
        self._session_token = session.session_token

    def create_credentials(self) -> Credentials:
        return Credentials(self._access_key_id, self._secret_access_key, self._session_token)


_orig_create_access_key = access_control.create_access_key


def _create_access_key(
    account_id: str, partition: str, access_key_id: str, headers: dict[str, str]
) -> Any:
    session = SESSIONS.get(access_key_id)
    if session is None:
        # Temporary credentials carry aws:MultiFactorAuthPresent; long-term keys do not.
        _CTX.mfa_present = ROLE_SESSION_MFA.get(access_key_id)
        key = _orig_create_access_key(
            account_id=account_id, partition=partition, access_key_id=access_key_id, headers=headers
        )
        _CTX.username = getattr(key, "_owner_user_name", None)
        return key
    if headers.get("X-Amz-Security-Token") != session.session_token:
        raise CreateAccessKeyFailure(reason="InvalidToken")
    if session.expiration < datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None):
        raise AwsError(
            403, "ExpiredToken", "The security token included in the request is expired"
        )
    if session.user_name not in iam_backends[account_id][partition].users:
        raise CreateAccessKeyFailure(reason="InvalidId")
    _CTX.mfa_present = session.mfa_serial is not None
    _CTX.username = session.user_name
    return SessionUserAccessKey(account_id, partition, session)


_orig_check_action_permitted = access_control.IAMRequestBase.check_action_permitted


def _check_action_permitted(self: Any, resource: str) -> None:
    """AWS needs no permission for GetSessionToken (policies cannot control it, as for
    GetCallerIdentity); moto asks for `sts:GetSessionToken` in the caller's policies."""
    if self._action == "sts:GetSessionToken":
        return
    _orig_check_action_permitted(self, resource)


_orig_get_user_from_key = IAMBackend.get_user_from_access_key_id


def _get_user_from_access_key_id(self: IAMBackend, access_key_id: str) -> Any:
    session = SESSIONS.get(access_key_id)
    if session is not None and session.account_id == self.account_id:
        return self.users.get(session.user_name)
    return _orig_get_user_from_key(self, access_key_id)


def _mfa_conditions_hold(conditions: dict[str, Any], mfa_present: bool | None) -> bool:
    """Evaluates the `aws:MultiFactorAuthPresent` Bool/BoolIfExists parts of a Condition block.

    Everything else in the block is left to moto (which treats it as matched)."""
    for operator, pairs in conditions.items():
        if_exists = operator.endswith("IfExists")
        if operator.removesuffix("IfExists") != "Bool" or not isinstance(pairs, dict):
            continue
        for key, expected in pairs.items():
            if key.lower() != "aws:multifactorauthpresent":
                continue
            if mfa_present is None:
                if not if_exists:
                    return False
                continue
            wanted = expected if isinstance(expected, list) else [expected]
            actual = "true" if mfa_present else "false"
            if actual not in [str(v).lower() for v in wanted]:
                return False
    return True


_orig_statement_permitted = IAMPolicyStatement.is_action_permitted


def _statement_permitted(
    self: IAMPolicyStatement,
    action: str,
    resource: str = "*",
    principal: str | None = None,
    incoming_condition_values: dict[str, str] | None = None,
) -> PermissionResult:
    username = getattr(_CTX, "username", None)
    if principal is None and username and "${aws:username}" in str(self._statement):
        # AWS substitutes policy variables before matching; moto does not.
        self = IAMPolicyStatement(_substitute(self._statement, "${aws:username}", username))
    conditions = self._statement.get("Condition")
    # principal is set only for trust policies, which moto evaluates its own way.
    if conditions and principal is None and hasattr(_CTX, "mfa_present"):
        if not _mfa_conditions_hold(conditions, _CTX.mfa_present):
            return PermissionResult.NEUTRAL
    return _orig_statement_permitted(self, action, resource, principal, incoming_condition_values)


def _substitute(value: Any, variable: str, replacement: str) -> Any:
    if isinstance(value, str):
        return value.replace(variable, replacement)
    if isinstance(value, list):
        return [_substitute(v, variable, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, variable, replacement) for k, v in value.items()}
    return value


# IAM actions whose resource is a user (the UserName parameter, else the caller).
_USER_ACTIONS = {
    "GetUser", "ListMFADevices", "EnableMFADevice", "ResyncMFADevice", "DeactivateMFADevice",
    "ChangePassword", "GetLoginProfile", "CreateLoginProfile", "UpdateLoginProfile",
    "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey",
    "ListSSHPublicKeys", "ListServiceSpecificCredentials", "ListSigningCertificates",
}
_orig_determine_resource = IamResponse._determine_resource


def _determine_resource(self: IamResponse) -> str:
    """The resource ARN AWS authorizes an IAM call against; moto uses "*" for all but roles, so
    resource-scoped statements (`user/${aws:username}`, `mfa/${aws:username}`) never match."""
    resource = _orig_determine_resource(self)
    if resource != "*":
        return resource
    action = (self.data.get("Action") or [""])[0]
    account = self.current_account
    param = lambda name: (self.data.get(name) or [None])[0]  # noqa: E731
    if action == "CreateVirtualMFADevice" and param("VirtualMFADeviceName"):
        return f"arn:aws:iam::{account}:mfa/{param('VirtualMFADeviceName')}"
    if action == "DeleteVirtualMFADevice" and param("SerialNumber"):
        return str(param("SerialNumber"))
    if action in _USER_ACTIONS:
        name = param("UserName")
        if not name:
            try:
                iam = iam_backends[account][get_partition(self.region)]
                user = iam.get_user_from_access_key_id(self.get_access_key())
                name = user.name if user is not None else None
            except Exception:  # unsigned or unknown key: authentication will refuse it
                name = None
        if name:
            return f"arn:aws:iam::{account}:user/{name}"
    return "*"


_orig_create_aws_request = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self: Any) -> Any:
    raw = getattr(_CTX, "raw_body", b"")
    if not self._body and raw:
        self._body = raw
    return _orig_create_aws_request(self)


_orig_is_assuming_role = access_control.IAMRequestBase._is_assuming_role_operation


def _is_assuming_role_operation(self: Any, resource_arn: str) -> bool:
    """moto checks trust only for roles in the caller's own account, its own way; `assume_role`
    does it for every account, so moto's check is off for sts:AssumeRole."""
    if self._action == "sts:AssumeRole":
        return False
    return _orig_is_assuming_role(self, resource_arn)


# The account that answers requests signed with an unknown key (set by server.py's --account-id).
MANAGEMENT_ACCOUNT = "123456789012"


def account_of_key(access_key_id: str) -> str:
    """The account holding an access key (long-term or temporary), else the management account."""
    for account_id, partitions in list(iam_backends.items()):
        for backend in list(partitions.values()):
            if access_key_id in backend.access_keys:
                return account_id
    return MANAGEMENT_ACCOUNT


def _current_account(self: BaseResponse) -> str:
    """The account holding the signing key, as in AWS. moto gives every request the account in
    `MOTO_ACCOUNT_ID` when that is set, which would make member accounts unreachable."""
    return account_of_key(self.get_access_key())


_orig_credential_report = IAMBackend.get_credential_report
# When each account's root user was "created": the first time its credential report was read.
_ROOT_CREATED: dict[str, str] = {}


def _credential_report(self: IAMBackend) -> str:
    """moto's report lacks AWS's first row, the root user's; its mfa_active is the account's
    AccountMFAEnabled (see `POST /_twofold/root-mfa`)."""
    report = _orig_credential_report(self)
    header, users = report.split("\n", 1)
    created = _ROOT_CREATED.setdefault(
        self.account_id, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    )
    mfa = "true" if self.account_summary._account_mfa_enabled else "false"
    root = [
        "<root_account>", f"arn:aws:iam::{self.account_id}:root", created, "not_supported",
        "no_information", "not_supported", "not_supported", mfa,
        "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A",
        "false", "N/A", "false", "N/A",
    ]
    return f"{header}\n{','.join(root)}\n{users}"


def install() -> None:
    """Applies the patches. Idempotent."""
    if getattr(IamResponse, "_twofold_hardened", False):
        return
    IamResponse.create_virtual_mfa_device = create_virtual_mfa_device
    IamResponse.enable_mfa_device = enable_mfa_device
    IamResponse.resync_mfa_device = resync_mfa_device
    IamResponse.delete_virtual_mfa_device = delete_virtual_mfa_device
    IamResponse.deactivate_mfa_device = deactivate_mfa_device
    IamResponse.list_mfa_devices = list_mfa_devices
    TokenResponse.get_session_token = get_session_token
    TokenResponse.assume_role = assume_role
    access_control.create_access_key = _create_access_key
    IAMBackend.get_user_from_access_key_id = _get_user_from_access_key_id
    IAMPolicyStatement.is_action_permitted = _statement_permitted
    access_control.IAMRequestBase.check_action_permitted = _check_action_permitted
    IamResponse._determine_resource = _determine_resource
    access_control.IAMRequestBase._create_aws_request = _create_aws_request
    access_control.IAMRequestBase._is_assuming_role_operation = _is_assuming_role_operation
    BaseResponse.get_current_account = _current_account
    IAMBackend.get_credential_report = _credential_report
    IamResponse._twofold_hardened = True


def device_report() -> dict[str, Any]:
    """Every virtual MFA device in every account and every hardware token, for
    `GET /_twofold/devices`."""
    out: dict[str, Any] = {}
    with LOCK:
        for account_id, partitions in list(iam_backends.items()):
            for backend in list(partitions.values()):
                for serial, device in list(backend.virtual_mfa_devices.items()):
                    state = DEVICES.get(serial, DeviceState())
                    out[serial] = {
                        "accountId": account_id,
                        "user": device.user.name if device.user is not None else None,
                        "enabled": device.user is not None,
                        "enableDate": device.enable_date.isoformat() if device.enable_date else None,
                        "codesVerified": state.codes_verified,
                        "lastUsedWindow": state.last_used_window,
                        "seed": device.base32_string_seed,
                    }
        with tokens.LOCK:
            for token in tokens.TOKENS.values():
                state = DEVICES.get(token.serial, DeviceState())
                enabled = None
                if token.assigned_account is not None and token.assigned_user is not None:
                    iam = iam_backends[token.assigned_account]["aws"]
                    user = iam.users.get(token.assigned_user)
                    held = user.mfa_devices.get(token.serial) if user is not None else None
                    enabled = held.enable_date.isoformat() if held is not None else None
                out[token.serial] = {
                    "accountId": token.assigned_account or token.account_id,
                    "user": token.assigned_user,
                    "enabled": token.assigned_user is not None,
                    "hardware": True,
                    "enableDate": enabled,
                    "codesVerified": state.codes_verified,
                    "lastUsedWindow": state.last_used_window,
                    "seed": token.seed,
                }
    return out


class ControlError(Exception):
    """A test control refused: HTTP status, AWS-like error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


_KEY_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def attach_security_key(user_name: str, name: str, account_id: str | None = None) -> dict[str, Any]:
    """Assigns a FIDO security key to `user_name`, as the console does after its WebAuthn
    ceremony (IAM has no API to register one). The serial has AWS's shape,
    `arn:aws:iam::ACCOUNT:u2f/user/USER/NAME-<26 chars>`; the 8-devices-per-user limit applies."""
    if not re.fullmatch(r"[\w+=,.@-]{1,64}", name, re.ASCII):
        raise ControlError(400, "ValidationError", f"invalid security key name {name!r}")
    with LOCK:
        for acct, partitions in list(iam_backends.items()):
            if account_id is not None and acct != account_id:
                continue
            for partition, backend in list(partitions.items()):
                user = backend.users.get(user_name)
                if user is None:
                    continue
                if len(user.mfa_devices) >= MFA_DEVICES_PER_USER:
                    raise ControlError(
                        409,
                        "LimitExceeded",
                        f"Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}",
                    )
                suffix = "".join(secrets.choice(_KEY_SUFFIX_CHARS) for _ in range(26))
                serial = f"arn:{partition}:iam::{acct}:u2f/user/{user_name}/{name}-{suffix}"
                user.enable_mfa_device(serial, "", "")
                device = user.mfa_devices[serial]
                return {
                    "serial": serial,
                    "user": user_name,
                    "accountId": acct,
                    "enableDate": device.enable_date.isoformat(),
                }
    raise ControlError(404, "NoSuchEntity", f"The user with name {user_name} cannot be found.")


def session_report() -> list[dict[str, Any]]:
    """GetSessionToken credentials issued so far (no secrets), for `GET /_twofold/sessions`."""
    with LOCK:
        return [
            {
                "accessKeyId": s.access_key_id,
                "userName": s.user_name,
                "accountId": s.account_id,
                "mfaSerial": s.mfa_serial,
                "expiration": s.expiration.isoformat() + "Z",
            }
            for s in SESSIONS.values()
        ]
