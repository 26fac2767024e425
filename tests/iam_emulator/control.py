"""WSGI middleware in front of moto: test controls under `/_twofold/` and throttling injection.

| endpoint | what |
| --- | --- |
| `POST /_twofold/throttle` `{"action": "CreateVirtualMFADevice", "count": 2}` | the next `count` calls of that action fail with `Throttling` 400 "Rate exceeded" (optional `"code"`, `"status"`, `"message"`) |
| `GET /_twofold/throttle` | the throttles still armed |
| `GET /_twofold/devices` | per serial: accountId, user, enabled, enableDate, codesVerified, lastUsedWindow, seed |
| `GET /_twofold/sessions` | GetSessionToken credentials issued: accessKeyId, userName, mfaSerial, expiration |
| `POST /_twofold/hold` `{"action": "EnableMFADevice"}` | calls of that action wait (before moto sees them) until released; `GET` tells how many are waiting, so a test can kill a client at exactly that step |
| `POST /_twofold/release` `{"action": "EnableMFADevice"[, "drop": true]}` | lets the waiting calls through and stops holding; with `drop` they fail with a 503 instead of reaching moto (the call never happened) |
| `POST /_twofold/security-key` `{"user": "alice", "name": "MyKey"[, "account": "123456789012"]}` | attaches a FIDO security key to the user, as the console's WebAuthn ceremony does (IAM has no API for it): ListMFADevices then lists `arn:aws:iam::ACCOUNT:u2f/user/alice/MyKey-<26 chars>`; returns `{serial, user, enableDate}`; 404 for an unknown user, 409 LimitExceeded at 8 devices |
| `GET /_twofold/health` | `{"ok": true}` |

An unsigned AWS call gets `MissingAuthenticationToken` 403, as from AWS (moto: HTTP 500).

Everything else goes to moto unchanged (the request body is re-wound after peeking at `Action`).
"""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from . import hardening

THROTTLES: dict[str, dict[str, Any]] = {}
_LOCK = threading.Lock()
# action -> [release event, number of calls waiting on it, dropped]
HOLDS: dict[str, list[Any]] = {}
_HOLD_TIMEOUT_S = 120


def _json(start_response: Callable, status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload, indent=1).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _action_and_service(environ: dict[str, Any]) -> tuple[str | None, str, bytes]:
    """Peeks at the Query-API `Action` (form body or query string) and the signed service."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if body and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    action = params.get("Action", [None])[0]
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = "iam"
    if "Credential=" in auth:
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 4:
            service = scope[3]
    return action, service, body


class Controls:
    """Wraps moto's WSGI app."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/_twofold/"):
            return self.control(path, method, environ, start_response)
        if (
            not path.startswith("/moto-api/")
            and "HTTP_AUTHORIZATION" not in environ
            and "X-Amz-Credential" not in environ.get("QUERY_STRING", "")
        ):
            # moto answers an unsigned call with a 500 (KeyError on Authorization); AWS with this.
            body = hardening.error_xml(
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
                hardening.IAM_XMLNS,
            ).encode()
            start_response(
                "403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))]
            )
            return [body]
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
        if held:
            action, _, _ = _action_and_service(environ)
            with _LOCK:
                hold = HOLDS.get(action) if action else None
                if hold is not None:
                    hold[1] += 1
            if hold is not None:
                hold[0].wait(_HOLD_TIMEOUT_S)
                with _LOCK:
                    hold[1] -= 1
                if hold[2]:
                    body = hardening.error_xml("ServiceUnavailable", "dropped by a test", hardening.IAM_XMLNS).encode()
                    start_response("503 Service Unavailable", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
                    return [body]
        if armed:
            action, service, _ = _action_and_service(environ)
            with _LOCK:
                rule = THROTTLES.get(action) if action else None
                if rule is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        del THROTTLES[action]
            if rule is not None:
                xmlns = hardening.STS_XMLNS if service == "sts" else hardening.IAM_XMLNS
                body = hardening.error_xml(rule["code"], rule["message"], xmlns).encode()
                start_response(
                    f"{rule['status']} Throttled",
                    [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))],
                )
                return [body]
        return self._iam_shaped(self.app, environ, start_response)

    @staticmethod
    def _iam_shaped(app: Callable, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """moto answers an authorization failure in EC2's shape (`<Errors><Error>`, text/html),
        which IAM and STS never use and the AWS SDKs cannot read; rewrite it into theirs."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(app(environ, capture))
        status, headers = captured["status"], captured["headers"]
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
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                req = json.loads(environ["wsgi.input"].read(length) or b"{}")
                action = str(req["action"])
                rule = {
                    "count": int(req.get("count", 1)),
                    "code": str(req.get("code", "Throttling")),
                    "status": int(req.get("status", 400)),
                    "message": str(req.get("message", "Rate exceeded")),
                }
            except (ValueError, KeyError, TypeError) as e:
                return _json(start_response, "400 Bad Request", {"error": f"bad request: {e}"})
            with _LOCK:
                if rule["count"] > 0:
                    THROTTLES[action] = rule
                else:
                    THROTTLES.pop(action, None)
            return _json(start_response, "200 OK", {"action": action, **rule})
        if path in ("/_twofold/hold", "/_twofold/release") and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                req = json.loads(environ["wsgi.input"].read(length) or b"{}")
                action = str(req["action"])
                drop = bool(req.get("drop", False))
            except (ValueError, KeyError, TypeError) as e:
                return _json(start_response, "400 Bad Request", {"error": f"bad request: {e}"})
            with _LOCK:
                if path == "/_twofold/hold":
                    HOLDS.setdefault(action, [threading.Event(), 0, False])
                else:
                    hold = HOLDS.pop(action, None)
                    if hold is not None:
                        hold[2] = drop
                        hold[0].set()
            return _json(start_response, "200 OK", {"action": action})
        if path == "/_twofold/security-key" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                req = json.loads(environ["wsgi.input"].read(length) or b"{}")
                user = str(req["user"])
                name = str(req.get("name", "SecurityKey"))
                account = req.get("account")
            except (ValueError, KeyError, TypeError) as e:
                return _json(start_response, "400 Bad Request", {"error": f"bad request: {e}"})
            try:
                added = hardening.attach_security_key(user, name, account)
            except hardening.ControlError as e:
                return _json(start_response, f"{e.status} {e.code}", {"error": e.code, "message": e.message})
            return _json(start_response, "200 OK", added)
        if path == "/_twofold/hold" and method == "GET":
            with _LOCK:
                return _json(start_response, "200 OK", {a: h[1] for a, h in HOLDS.items()})
        return _json(start_response, "404 Not Found", {"error": f"no such control: {method} {path}"})
