"""CloudTrail event history with console sign-ins: what `LookupEvents` answers (moto 5.2 has no
LookupEvents: HTTP 500).

Tests add ConsoleLogin events (`POST /_twofold/console-login`); `lookup_events`, installed on
moto's CloudTrailResponse so moto still authenticates and authorizes the call, returns the events
of the caller's account in the request's signing region, newest first, as AWS does.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from moto.cloudtrail.responses import CloudTrailResponse
from moto.core.exceptions import JsonRESTError
from moto.iam.models import iam_backends

from .hardening import ControlError

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
MAX_RESULTS = 50
# The LookupAttributes keys served; each matches the event field of that name.
ATTRIBUTES = ("EventName", "Username", "EventSource", "EventId", "ReadOnly")


@dataclass
class Event:
    """One event as LookupEvents returns it; `seq` orders events added in the same second."""

    seq: int
    account_id: str
    region: str
    time: datetime.datetime
    fields: dict[str, Any]


EVENTS: list[Event] = []
_SEQ = itertools.count()
_LOCK = threading.Lock()


def _iso(t: datetime.datetime) -> str:
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_console_login(
    account_id: str,
    user: str,
    region: str = "us-east-1",
    mfa_used: bool = False,
    source_ip: str = "198.51.100.7",
    when: datetime.datetime | None = None,
    success: bool = True,
) -> dict[str, Any]:
    """`POST /_twofold/console-login`: one ConsoleLogin record, shaped as CloudTrail writes it."""
    when = when or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    event_id = str(uuid.uuid4())
    if user == "root":
        identity: dict[str, Any] = {
            "type": "Root",
            "principalId": account_id,
            "arn": f"arn:aws:iam::{account_id}:root",
            "accountId": account_id,
        }
    else:
        found = iam_backends[account_id]["aws"].users.get(user)
        if found is None:
            raise ControlError(
                404, "NoSuchEntity", f"The user with name {user} cannot be found."
            )
        identity = {
            "type": "IAMUser",
            "principalId": found.id,
            "arn": found.arn,
            "accountId": account_id,
            "userName": user,
        }
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": _iso(when),
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": USER_AGENT,
        "requestParameters": None,
        "responseElements": {"ConsoleLogin": "Success" if success else "Failure"},
        "additionalEventData": {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": "Yes" if mfa_used else "No",
        },
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": True,
        "recipientAccountId": account_id,
        "eventCategory": "Management",
    }
    if not success:
        record["errorMessage"] = "Failed authentication"
    fields = {
        "EventId": event_id,
        "EventName": "ConsoleLogin",
        "ReadOnly": "false",
        "EventTime": when.timestamp(),
        "EventSource": "signin.amazonaws.com",
        "Username": user,
        "Resources": [],
        "CloudTrailEvent": json.dumps(record),
    }
    with _LOCK:
        EVENTS.append(Event(next(_SEQ), account_id, region, when, fields))
    return {"eventId": event_id, "account": account_id, "region": region, "time": _iso(when)}


def lookup_events(self: CloudTrailResponse) -> str:
    params = json.loads(self.body or "{}")
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise JsonRESTError(
            "InvalidLookupAttributesException", "You can specify only one lookup attribute."
        )
    wanted: tuple[str, str] | None = None
    for attribute in attributes:
        key = attribute.get("AttributeKey")
        if key not in ATTRIBUTES:
            raise JsonRESTError(
                "InvalidLookupAttributesException",
                f"Lookup attribute key {key} is not supported here.",
            )
        wanted = (key, str(attribute.get("AttributeValue", "")))
    max_results = int(params.get("MaxResults") or MAX_RESULTS)
    if not 1 <= max_results <= MAX_RESULTS:
        raise JsonRESTError("InvalidMaxResultsException", "Max results must be between 1 and 50.")
    start = params.get("StartTime")
    end = params.get("EndTime")
    if start is not None and end is not None and float(start) > float(end):
        raise JsonRESTError("InvalidTimeRangeException", "Start time must be before end time.")
    after: tuple[float, int] | None = None
    if params.get("NextToken"):
        try:
            t, seq = json.loads(base64.b64decode(params["NextToken"]))
            after = (float(t), int(seq))
        except (ValueError, TypeError):
            raise JsonRESTError("InvalidNextTokenException", "Invalid NextToken.") from None

    with _LOCK:
        events = [
            e for e in EVENTS if e.account_id == self.current_account and e.region == self.region
        ]
    events.sort(key=lambda e: (e.time.timestamp(), e.seq), reverse=True)
    selected = []
    for e in events:
        key = (e.time.timestamp(), e.seq)
        if after is not None and key >= after:
            continue
        if start is not None and e.time.timestamp() < float(start):
            continue
        if end is not None and e.time.timestamp() > float(end):
            continue
        if wanted is not None and e.fields[wanted[0]] != wanted[1]:
            continue
        selected.append(e)
    page = selected[:max_results]
    result: dict[str, Any] = {"Events": [e.fields for e in page]}
    if len(selected) > max_results:
        last = page[-1]
        result["NextToken"] = base64.b64encode(
            json.dumps([last.time.timestamp(), last.seq]).encode()
        ).decode()
    return json.dumps(result)


def install() -> None:
    """Adds LookupEvents to moto's CloudTrail. Idempotent."""
    CloudTrailResponse.lookup_events = lookup_events
