"""WSGI middleware in front of moto: test controls under `/_twofold/` and throttling injection.

| endpoint | what |
| --- | --- |
| `POST /_twofold/throttle` `{"action": "CreateVirtualMFADevice", "count": 2}` | the next `count` calls of that action (Query `Action`, or JSON `X-Amz-Target` after its last dot) fail with the protocol's throttling error, 400 "Rate exceeded" (optional `"code"`, `"status"`, `"message"`; `code` null means the protocol's) |
| `GET /_twofold/throttle` | the throttles still armed |
| `GET /_twofold/devices` | per serial: accountId, user, enabled, enableDate, codesVerified, lastUsedWindow, seed |
| `GET /_twofold/sessions` | GetSessionToken credentials issued: accessKeyId, userName, mfaSerial, expiration |
| `POST /_twofold/hold` `{"action": "EnableMFADevice"}` | calls of that action wait (before moto sees them) until released; `GET` tells how many are waiting, so a test can kill a client at exactly that step |
| `POST /_twofold/release` `{"action": "EnableMFADevice"[, "drop": true]}` | lets the waiting calls through and stops holding; with `drop` they fail with a 503 instead of reaching moto (the call never happened) |
| `POST /_twofold/security-key` `{"user": "alice", "name": "MyKey"[, "account": "123456789012"]}` | attaches a FIDO security key to the user, as the console's WebAuthn ceremony does (IAM has no API for it): ListMFADevices then lists `arn:aws:iam::ACCOUNT:u2f/user/alice/MyKey-<26 chars>`; returns `{serial, user, enableDate}`; 404 for an unknown user, 409 LimitExceeded at 8 devices |
| `POST /_twofold/org` `{"accounts": [{"id": "222222222222", "name": "prod", "email": "prod@example.com"[, "role": true][, "roleName": "OrganizationAccountAccessRole"][, "status": "ACTIVE"\|"SUSPENDED"]}]}` | creates the organization of the management account (`--account-id`; feature set ALL) if there is none, adds these member accounts with exactly these ids (or updates name, email, status of one already there); `role` (default true) gives the member the role `roleName` trusting `arn:aws:iam::MANAGEMENT:root`, with the inline policy `AdministratorAccess` (Allow * on *); returns `{organizationId, managementAccount, accounts: [{id, name, email, status}]}` (the management account first) |
| `POST /_twofold/users` `{"account": "222222222222", "users": [{"name": "alice", "console": true, "mfa": "virtual"\|"hardware"\|null, "accessKey": false}]}` | creates the users straight in the backend: `console` a login profile, `mfa` an enabled virtual device (random seed, see `/devices`) or a free hardware token from the inventory (a new one is registered when none is free), `accessKey` an access key; returns `{account, created}`; 409 EntityAlreadyExists if one exists (then none is created) |
| `POST /_twofold/root-mfa` `{"account": "222222222222", "enabled": true}` | GetAccountSummary's `AccountMFAEnabled` (moto: always 0) and the credential report's `<root_account>` `mfa_active`; returns `{account, enabled}` |
| `POST /_twofold/console-login` `{"account": "...", "user": "alice"\|"root"[, "region": "us-east-1"][, "mfaUsed": false][, "sourceIp": "198.51.100.7"][, "time": "2026-12-01T10:00:00Z"][, "success": true]}` | adds a ConsoleLogin event to CloudTrail's event history of that account and region (LookupEvents); returns `{eventId, account, region, time}`; 404 for an unknown user |
| `POST /_twofold/hardware-token` `{"serial": "GAHT12345678"[, "seed": "BASE32"][, "account": "..."]}` | registers a hardware TOTP token (random 160-bit seed if none; only `account` may enable it if given) so EnableMFADevice accepts its serial; returns `{serial, seed}`; 409 if registered already |
| `GET /_twofold/hardware-tokens` | `[{serial, seed, account, assignedAccount, assignedUser}]` |
| `POST /_twofold/rate-limit` `{"perSecond": 20[, "burst": 20]}` | a token bucket per account (of the signing key) over all AWS calls; a call without a token fails at once with the service's throttling error; `perSecond` 0 turns it off; returns the setting |
| `GET /_twofold/rate-limit` | `{perSecond, burst, throttled}` (`throttled`: calls refused since the emulator started) |
| `POST /_twofold/latency` `{"ms": 50}` | every AWS call sleeps that long first (in its own thread); 0 turns it off; returns `{ms}` |
| `GET /_twofold/health` | `{"ok": true}` |

Errors the middleware makes come in the protocol of the call: Query (IAM, STS) as
`<ErrorResponse>` XML; JSON (a call with `X-Amz-Target`: Organizations, CloudTrail) as
`{"__type": CODE, "message": ...}` with `Content-Type: application/x-amz-json-1.1` and
`x-amzn-ErrorType`. Throttling codes: `Throttling` (Query), `TooManyRequestsException`
(Organizations), `ThrottlingException` (other JSON services); `/throttle`'s `code` overrides them.
moto's own authentication errors on JSON calls are rewritten the same way (`AccessDeniedException`,
`UnrecognizedClientException`, `InvalidSignatureException`).

An unsigned AWS call gets `MissingAuthenticationToken` 403, as from AWS (moto: HTTP 500).

Everything else goes to moto unchanged (the request body is re-wound after peeking at `Action`).
"""

from __future__ import annotations

import datetime
import io
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import unescape

from . import hardening, org, tokens, trail

THROTTLES: dict[str, dict[str, Any]] = {}
_LOCK = threading.Lock()
# action -> [release event, number of calls waiting on it, dropped]
HOLDS: dict[str, list[Any]] = {}
_HOLD_TIMEOUT_S = 120
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
# Query-protocol error codes, as JSON-protocol services name them.
_JSON_AUTH_CODES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "MissingAuthenticationToken": "MissingAuthenticationTokenException",
}


@dataclass
class RateLimit:
    """Token buckets, one per account, over every AWS call; `per_second` 0 is off."""

    per_second: float = 0.0
    burst: float = 0.0
    throttled: int = 0
    # account -> (tokens left, time.monotonic() of the last refill)
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, account_id: str) -> bool:
        """Takes a token for a call of `account_id`; False if the bucket is empty. Hold _LOCK."""
        if self.per_second <= 0:
            return True
        now = time.monotonic()
        tokens_left, last = self.buckets.get(account_id, (self.burst, now))
        tokens_left = min(self.burst, tokens_left + (now - last) * self.per_second)
        if tokens_left < 1:
            self.buckets[account_id] = (tokens_left, now)
            self.throttled += 1
            return False
        self.buckets[account_id] = (tokens_left - 1, now)
        return True


RATE = RateLimit()
LATENCY_MS = 0


def _json(start_response: Callable, status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload, indent=1).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _read_json(environ: dict[str, Any]) -> Any:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"{}")


def _signing_scope(environ: dict[str, Any]) -> tuple[str, str]:
    """(access key id, service) from the SigV4 Authorization header; ("", "iam") if unsigned."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" not in auth:
        return "", "iam"
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    return scope[0], scope[3] if len(scope) >= 4 else "iam"


def _action(environ: dict[str, Any]) -> str | None:
    """The Query-API `Action` (form body or query string), or the JSON protocol's X-Amz-Target
    operation; the body is re-wound."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target).rsplit(".", 1)[-1]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if body and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    return params.get("Action", [None])[0]


def _aws_error(
    environ: dict[str, Any], start_response: Callable, status: int, code: str, message: str
) -> list[bytes]:
    """An AWS error in the protocol of the call: JSON when it has X-Amz-Target, else Query XML."""
    _, service = _signing_scope(environ)
    reason = {400: "Bad Request", 403: "Forbidden", 503: "Service Unavailable"}.get(status, "Error")
    if environ.get("HTTP_X_AMZ_TARGET"):
        code = _JSON_AUTH_CODES.get(code, code)
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [
            ("Content-Type", JSON_CONTENT_TYPE),
            ("x-amzn-ErrorType", code),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ]
    else:
        xmlns = hardening.STS_XMLNS if service == "sts" else hardening.IAM_XMLNS
        body = hardening.error_xml(code, message, xmlns).encode()
        headers = [("Content-Type", "text/xml")]
    start_response(f"{status} {reason}", headers + [("Content-Length", str(len(body)))])
    return [body]


def _throttling_code(environ: dict[str, Any]) -> str:
    if not environ.get("HTTP_X_AMZ_TARGET"):
        return "Throttling"
    _, service = _signing_scope(environ)
    return "TooManyRequestsException" if service == "organizations" else "ThrottlingException"


class Controls:
    """Wraps moto's WSGI app."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/_twofold/"):
            return self.control(path, method, environ, start_response)
        if path.startswith("/moto-api/"):
            return self.app(environ, start_response)
        if "HTTP_AUTHORIZATION" not in environ and "X-Amz-Credential" not in environ.get(
            "QUERY_STRING", ""
        ):
            # moto answers an unsigned call with a 500 (KeyError on Authorization); AWS with this.
            return _aws_error(
                environ,
                start_response,
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            )
        with _LOCK:
            latency_ms = LATENCY_MS
        if latency_ms:
            time.sleep(latency_ms / 1000)  # each request has its own thread
        # Keep the raw body: moto recomputes SigV4 signatures from it when it can, and from the
        # re-encoded form parameters when werkzeug has consumed it, which breaks for clients that
        # percent-encode differently from botocore (the Rust SDK with `$`, `{`, `}`).
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        hardening._CTX.raw_body = raw
        with _LOCK:
            armed = bool(THROTTLES)
            held = bool(HOLDS)
            limited = RATE.per_second > 0
        if limited:
            key_id, _ = _signing_scope(environ)
            account_id = hardening.account_of_key(key_id)
            with _LOCK:
                allowed = RATE.take(account_id)
            if not allowed:
                code = _throttling_code(environ)
                return _aws_error(environ, start_response, 400, code, "Rate exceeded")
        if held:
            action = _action(environ)
            with _LOCK:
                hold = HOLDS.get(action) if action else None
                if hold is not None:
                    hold[1] += 1
            if hold is not None:
                hold[0].wait(_HOLD_TIMEOUT_S)
                with _LOCK:
                    hold[1] -= 1
                if hold[2]:
                    return _aws_error(
                        environ, start_response, 503, "ServiceUnavailable", "dropped by a test"
                    )
        if armed:
            action = _action(environ)
            with _LOCK:
                rule = THROTTLES.get(action) if action else None
                if rule is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        del THROTTLES[action]
            if rule is not None:
                code = rule["code"] or _throttling_code(environ)
                return _aws_error(environ, start_response, rule["status"], code, rule["message"])
        return self._aws_shaped(self.app, environ, start_response)

    @staticmethod
    def _aws_shaped(
        app: Callable, environ: dict[str, Any], start_response: Callable
    ) -> Iterable[bytes]:
        """moto answers an authentication or authorization failure in EC2's shape (`<Errors>`,
        text/html), which IAM and STS never use and the AWS SDKs cannot read, and in XML even to
        JSON-protocol calls; rewrite it into the call's protocol."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(app(environ, capture))
        status, headers = captured["status"], captured["headers"]
        if b"<Errors><Error>" in body and environ.get("HTTP_X_AMZ_TARGET"):
            code = body.split(b"<Code>", 1)[1].split(b"</Code>", 1)[0].decode()
            message = body.split(b"<Message>", 1)[1].split(b"</Message>", 1)[0].decode()
            message = unescape(message, {"&quot;": '"', "&apos;": "'"})
            return _aws_error(environ, start_response, int(status.split()[0]), code, message)
        if b"<Errors><Error>" in body:
            body = body.replace(b"<Errors><Error>", b"<Error>").replace(b"</Error></Errors>", b"</Error>")
            body = body.replace(b"</ErrorResponse>", b"<RequestId>twofold-emulator</RequestId></ErrorResponse>")
            headers = [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-length")]
            headers += [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]

    def control(
        self, path: str, method: str, environ: dict[str, Any], start_response: Callable
    ) -> list[bytes]:
        try:
            return self._control(path, method, environ, start_response)
        except hardening.ControlError as e:
            payload = {"error": e.code, "message": e.message}
            return _json(start_response, f"{e.status} {e.code}", payload)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            return _json(start_response, "400 Bad Request", {"error": f"bad request: {e!r}"})

    def _control(
        self, path: str, method: str, environ: dict[str, Any], start_response: Callable
    ) -> list[bytes]:
        global LATENCY_MS
        if path == "/_twofold/health":
            return _json(start_response, "200 OK", {"ok": True})
        if path == "/_twofold/devices" and method == "GET":
            return _json(start_response, "200 OK", hardening.device_report())
        if path == "/_twofold/sessions" and method == "GET":
            return _json(start_response, "200 OK", hardening.session_report())
        if path == "/_twofold/throttle" and method == "GET":
            with _LOCK:
                return _json(start_response, "200 OK", dict(THROTTLES))
        if path == "/_twofold/throttle" and method == "POST":
            req = _read_json(environ)
            action = str(req["action"])
            rule = {
                "count": int(req.get("count", 1)),
                "code": str(req["code"]) if req.get("code") else None,
                "status": int(req.get("status", 400)),
                "message": str(req.get("message", "Rate exceeded")),
            }
            with _LOCK:
                if rule["count"] > 0:
                    THROTTLES[action] = rule
                else:
                    THROTTLES.pop(action, None)
            return _json(start_response, "200 OK", {"action": action, **rule})
        if path in ("/_twofold/hold", "/_twofold/release") and method == "POST":
            req = _read_json(environ)
            action = str(req["action"])
            drop = bool(req.get("drop", False))
            with _LOCK:
                if path == "/_twofold/hold":
                    HOLDS.setdefault(action, [threading.Event(), 0, False])
                else:
                    hold = HOLDS.pop(action, None)
                    if hold is not None:
                        hold[2] = drop
                        hold[0].set()
            return _json(start_response, "200 OK", {"action": action})
        if path == "/_twofold/hold" and method == "GET":
            with _LOCK:
                return _json(start_response, "200 OK", {a: h[1] for a, h in HOLDS.items()})
        if path == "/_twofold/security-key" and method == "POST":
            req = _read_json(environ)
            added = hardening.attach_security_key(
                str(req["user"]), str(req.get("name", "SecurityKey")), req.get("account")
            )
            return _json(start_response, "200 OK", added)
        if path == "/_twofold/org" and method == "POST":
            req = _read_json(environ)
            accounts = list(req.get("accounts", []))
            return _json(
                start_response, "200 OK", org.add_accounts(hardening.MANAGEMENT_ACCOUNT, accounts)
            )
        if path == "/_twofold/users" and method == "POST":
            req = _read_json(environ)
            account = str(req.get("account", hardening.MANAGEMENT_ACCOUNT))
            return _json(start_response, "200 OK", org.add_users(account, list(req["users"])))
        if path == "/_twofold/root-mfa" and method == "POST":
            req = _read_json(environ)
            account = str(req.get("account", hardening.MANAGEMENT_ACCOUNT))
            return _json(start_response, "200 OK", org.set_root_mfa(account, bool(req["enabled"])))
        if path == "/_twofold/console-login" and method == "POST":
            req = _read_json(environ)
            when = None
            if req.get("time"):
                when = datetime.datetime.fromisoformat(str(req["time"]).replace("Z", "+00:00"))
            added = trail.add_console_login(
                str(req.get("account", hardening.MANAGEMENT_ACCOUNT)),
                str(req["user"]),
                region=str(req.get("region", "us-east-1")),
                mfa_used=bool(req.get("mfaUsed", False)),
                source_ip=str(req.get("sourceIp", "198.51.100.7")),
                when=when,
                success=bool(req.get("success", True)),
            )
            return _json(start_response, "200 OK", added)
        if path == "/_twofold/hardware-token" and method == "POST":
            req = _read_json(environ)
            try:
                token = tokens.register(str(req["serial"]), req.get("seed"), req.get("account"))
            except ValueError as e:
                status = 409 if "already registered" in str(e) else 400
                raise hardening.ControlError(status, "InvalidInput", str(e)) from None
            return _json(start_response, "200 OK", {"serial": token.serial, "seed": token.seed})
        if path == "/_twofold/hardware-tokens" and method == "GET":
            return _json(start_response, "200 OK", tokens.report())
        if path == "/_twofold/rate-limit" and method == "POST":
            req = _read_json(environ)
            per_second = float(req.get("perSecond", 0))
            with _LOCK:
                RATE.per_second = max(per_second, 0.0)
                RATE.burst = float(req.get("burst", per_second))
                RATE.buckets.clear()
                setting = {"perSecond": RATE.per_second, "burst": RATE.burst}
            return _json(start_response, "200 OK", setting)
        if path == "/_twofold/rate-limit" and method == "GET":
            with _LOCK:
                setting = {
                    "perSecond": RATE.per_second, "burst": RATE.burst, "throttled": RATE.throttled
                }
            return _json(start_response, "200 OK", setting)
        if path == "/_twofold/latency" and method == "POST":
            ms = max(int(_read_json(environ).get("ms", 0)), 0)
            with _LOCK:
                LATENCY_MS = ms
            return _json(start_response, "200 OK", {"ms": ms})
        return _json(start_response, "404 Not Found", {"error": f"no such control: {method} {path}"})
