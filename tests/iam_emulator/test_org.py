"""The emulator as the management account of an AWS Organization: member accounts, cross-account
AssumeRole, bulk users, root MFA, CloudTrail console sign-ins, rate limits and latency, hardware
tokens. Everything through boto3 with real keys against a started server, auth on.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.exceptions import ClientError

from iam_emulator.test_emulator import client, error, now_window, server, totp  # noqa: F401

MEMBER = "222222222222"
OTHER = "333333333333"
ROLE = "OrganizationAccountAccessRole"


def control(server, path, payload=None):
    """Calls a `/_twofold/` control; returns (HTTP status, JSON body)."""
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(
        server["endpoint"] + path,
        data=data,
        headers={"Content-Type": "application/json"},
        method="GET" if data is None else "POST",
    )
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def admin(server, service, retries=0):
    a = server["admin"]
    return client(server, service, a["accessKeyId"], a["secretAccessKey"], retries=retries)


def credential_report(iam):
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"].decode()
    return {r["user"]: r for r in csv.DictReader(io.StringIO(content))}


@pytest.fixture(scope="module")
def org(server):
    status, body = control(
        server,
        "/_twofold/org",
        {
            "accounts": [
                {"id": MEMBER, "name": "prod", "email": "prod@example.com"},
                {"id": OTHER, "name": "dev", "email": "dev@example.com", "role": False},
            ]
        },
    )
    assert status == 200, body
    return body


def assume(sts, account, name=ROLE, **kw):
    return sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{name}", RoleSessionName="twofold", **kw
    )["Credentials"]


ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def mfa_user(server):
    """A management-account user allowed everything, with an enabled virtual device; returns
    (sts client, serial, seed, w) where windows w and w+1 are burnt by the enable."""
    iam = admin(server, "iam")
    name = f"mfa-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    w = now_window() - 1
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=serial,
        AuthenticationCode1=totp(seed, w),
        AuthenticationCode2=totp(seed, w + 1),
    )
    return client(server, "sts", k["AccessKeyId"], k["SecretAccessKey"]), serial, seed, w


def session(server, service, creds):
    return client(
        server, service, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
    )


def test_list_accounts_before_there_is_an_organization(server):
    # Runs first in this module, on its own server: no organization yet.
    with pytest.raises(ClientError) as e:
        admin(server, "organizations").list_accounts()
    assert error(e)[:2] == (
        "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."
    )


def test_org_control_creates_the_organization_and_members(server, org):
    management = server["admin"]["accountId"]
    assert org["managementAccount"] == management and org["organizationId"].startswith("o-")
    assert [a["id"] for a in org["accounts"]] == [management, MEMBER, OTHER]
    assert org["accounts"][1] == {
        "id": MEMBER, "name": "prod", "email": "prod@example.com", "status": "ACTIVE"
    }
    # Called again it adds, and updates what is there.
    status, again = control(
        server,
        "/_twofold/org",
        {"accounts": [{"id": "444444444444", "name": "old", "email": "o@example.com",
                       "status": "SUSPENDED"}]},
    )
    assert status == 200 and again["organizationId"] == org["organizationId"]
    assert [a["id"] for a in again["accounts"]][-1] == "444444444444"
    assert again["accounts"][-1]["status"] == "SUSPENDED"
    bad = {"accounts": [{"id": "12", "name": "x", "email": "y"}]}
    assert control(server, "/_twofold/org", bad)[0] == 400


def test_list_accounts_through_the_signed_api_with_paging(server, org):
    orgs = admin(server, "organizations")
    first = orgs.list_accounts(MaxResults=2)
    assert len(first["Accounts"]) == 2 and "NextToken" in first
    ids = [a["Id"] for a in first["Accounts"]]
    token = first["NextToken"]
    while token:
        page = orgs.list_accounts(MaxResults=2, NextToken=token)
        ids += [a["Id"] for a in page["Accounts"]]
        token = page.get("NextToken")
    assert ids[:3] == [server["admin"]["accountId"], MEMBER, OTHER]
    assert len(ids) == len(set(ids))
    assert orgs.describe_organization()["Organization"]["FeatureSet"] == "ALL"


def test_json_protocol_signatures_are_checked(server, org):
    a = server["admin"]
    wrong = client(server, "organizations", a["accessKeyId"], "not-the-secret")
    with pytest.raises(ClientError) as e:
        wrong.list_accounts()
    assert error(e)[0] == "InvalidSignatureException"
    unsigned = urllib.request.Request(server["endpoint"] + "/", data=b"{}", method="POST", headers={
        "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts",
        "Content-Type": "application/x-amz-json-1.1",
    })
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(unsigned)
    assert raised.value.code == 403
    assert json.load(raised.value)["__type"] == "MissingAuthenticationTokenException"
    unknown = client(server, "organizations", "AKIAUNKNOWNKEY123456", "x")
    with pytest.raises(ClientError) as e:
        unknown.list_accounts()
    assert error(e)[0] == "UnrecognizedClientException"


def test_member_account_cannot_list_accounts(server, org):
    creds = assume(admin(server, "sts"), MEMBER)
    with pytest.raises(ClientError) as e:
        session(server, "organizations", creds).list_accounts()
    assert error(e)[:2] == (
        "AccessDeniedException", "You don't have permissions to access this resource."
    )


def test_assume_role_acts_in_the_member_account(server, org):
    iam = admin(server, "iam")
    iam.create_user(UserName="mgmt-only")
    control(server, "/_twofold/users", {"account": MEMBER, "users": [{"name": "member-user"}]})
    creds = assume(admin(server, "sts"), MEMBER)
    ident = session(server, "sts", creds).get_caller_identity()
    assert ident["Account"] == MEMBER
    assert ident["Arn"] == f"arn:aws:sts::{MEMBER}:assumed-role/{ROLE}/twofold"
    member_iam = session(server, "iam", creds)
    names = {u["UserName"] for u in member_iam.list_users()["Users"]}
    assert "member-user" in names and "mgmt-only" not in names and "twofold-admin" not in names
    assert member_iam.list_groups()["Groups"] == []
    member_iam.create_group(GroupName="admins")
    # moto loads no AWS managed policies (arn:aws:iam::aws:policy/...) by default: make one.
    policy = member_iam.create_policy(
        PolicyName="Admin",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )["Policy"]
    assert policy["Arn"] == f"arn:aws:iam::{MEMBER}:policy/Admin"
    member_iam.attach_group_policy(GroupName="admins", PolicyArn=policy["Arn"])
    attached = member_iam.list_attached_group_policies(GroupName="admins")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["Admin"]
    assert "admins" not in {g["GroupName"] for g in iam.list_groups()["Groups"]}
    assert member_iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    assert member_iam.list_mfa_devices(UserName="member-user")["MFADevices"] == []
    assert member_iam.get_account_summary()["SummaryMap"]["Users"] >= 1
    rows = credential_report(member_iam)
    assert next(iter(rows.values()))["arn"] == f"arn:aws:iam::{MEMBER}:root"
    assert "member-user" in rows and "mgmt-only" not in rows


def test_assume_role_checks_the_role_and_its_trust(server, org):
    sts = admin(server, "sts")
    caller = server["admin"]["arn"]
    for account, name in [(OTHER, ROLE), (MEMBER, "NoSuchRole"), ("999999999999", ROLE)]:
        with pytest.raises(ClientError) as e:
            assume(sts, account, name)
        arn = f"arn:aws:iam::{account}:role/{name}"
        assert error(e) == (
            "AccessDenied",
            f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {arn}",
            403,
        )
    # A role that trusts someone else.
    creds = assume(sts, MEMBER)
    member_iam = session(server, "iam", creds)
    member_iam.create_role(
        RoleName="trusts-other",
        AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                           "Action": "sts:AssumeRole"}],
        }),
    )
    with pytest.raises(ClientError) as e:
        assume(sts, MEMBER, "trusts-other")
    assert error(e)[0] == "AccessDenied"


def test_assume_role_session_can_assume_again(server, org):
    creds = assume(admin(server, "sts"), MEMBER)
    member_iam = session(server, "iam", creds)
    member_iam.create_role(
        RoleName="auditor",
        AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": MEMBER},
                           "Action": "sts:AssumeRole"}],
        }),
    )
    member_iam.put_role_policy(
        RoleName="auditor", PolicyName="read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]}),
    )
    chained = assume(session(server, "sts", creds), MEMBER, "auditor")
    ident = session(server, "sts", chained).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:sts::{MEMBER}:assumed-role/auditor/twofold"
    session(server, "iam", chained).list_users()
    with pytest.raises(ClientError) as e:
        session(server, "iam", chained).create_user(UserName="nope")
    assert error(e)[0] == "AccessDenied"


def test_assume_role_keeps_the_mfa_check(server, org):
    sts, serial, seed, w = mfa_user(server)
    with pytest.raises(ClientError) as e:
        assume(sts, MEMBER, SerialNumber=serial, TokenCode="000000")
    assert error(e)[0] == "AccessDenied" and "one time pass code" in error(e)[1]
    creds = assume(sts, MEMBER, SerialNumber=serial, TokenCode=totp(seed, w + 2))
    assert session(server, "sts", creds).get_caller_identity()["Account"] == MEMBER


def test_bulk_users_show_in_the_credential_report(server, org):
    users = [
        {"name": "b-console-virtual", "console": True, "mfa": "virtual"},
        {"name": "b-console-none", "console": True, "mfa": None, "accessKey": True},
        {"name": "b-hardware", "console": False, "mfa": "hardware"},
        {"name": "b-nothing"},
    ]
    status, body = control(server, "/_twofold/users", {"account": OTHER, "users": users})
    assert (status, body) == (200, {"account": OTHER, "created": 4})
    # OTHER was made without the role; adding it again with the role gives it one.
    control(server, "/_twofold/org", {"accounts": [
        {"id": OTHER, "name": "dev", "email": "dev@example.com", "role": True}]})
    other_iam = session(server, "iam", assume(admin(server, "sts"), OTHER))
    rows = credential_report(other_iam)
    flags = {u: (r["password_enabled"], r["mfa_active"], r["access_key_1_active"])
             for u, r in rows.items() if u.startswith("b-")}
    assert flags == {
        "b-console-virtual": ("true", "true", "false"),
        "b-console-none": ("true", "false", "true"),
        "b-hardware": ("false", "true", "false"),
        "b-nothing": ("false", "false", "false"),
    }
    hw = other_iam.list_mfa_devices(UserName="b-hardware")["MFADevices"][0]["SerialNumber"]
    assert hw.startswith("GAHT")
    virtual = other_iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [d["SerialNumber"] for d in virtual] == [f"arn:aws:iam::{OTHER}:mfa/b-console-virtual"]
    # The same names again: refused, nothing created.
    assert control(server, "/_twofold/users", {"account": OTHER, "users": users})[0] == 409


def test_bulk_users_are_fast(server, org):
    accounts = [{"id": f"5{i:011d}", "name": f"bulk{i}", "email": f"b{i}@example.com"}
                for i in range(50)]
    started = time.monotonic()
    assert control(server, "/_twofold/org", {"accounts": accounts})[0] == 200
    for a in accounts:
        users = [{"name": f"u{j}", "console": j % 2 == 0, "mfa": "virtual" if j % 3 else None,
                  "accessKey": j % 5 == 0} for j in range(100)]
        assert control(server, "/_twofold/users", {"account": a["id"], "users": users})[0] == 200
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"50 accounts x 100 users took {elapsed:.1f}s"
    print(f"50 accounts x 100 users in {elapsed:.1f}s")
    paginator = admin(server, "organizations").get_paginator("list_accounts")
    listed = [a["Id"] for page in paginator.paginate(PaginationConfig={"PageSize": 7})
              for a in page["Accounts"]]
    assert len(listed) == len(set(listed)) and {a["id"] for a in accounts} <= set(listed)
    last = session(server, "iam", assume(admin(server, "sts"), accounts[-1]["id"]))
    assert last.get_account_summary()["SummaryMap"]["Users"] == 100


def test_root_mfa(server, org):
    member_iam = session(server, "iam", assume(admin(server, "sts"), MEMBER))
    # moto's default: 0, whatever the account.
    assert member_iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    assert credential_report(member_iam)["<root_account>"]["mfa_active"] == "false"
    assert control(server, "/_twofold/root-mfa", {"account": MEMBER, "enabled": True}) == (
        200, {"account": MEMBER, "enabled": True})
    assert member_iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    assert credential_report(member_iam)["<root_account>"]["mfa_active"] == "true"
    # Other accounts are untouched.
    assert admin(server, "iam").get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    control(server, "/_twofold/root-mfa", {"account": MEMBER, "enabled": False})
    assert member_iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0


def test_console_logins_through_lookup_events(server, org):
    control(server, "/_twofold/users", {"account": MEMBER, "users": [{"name": "ct-alice"}]})
    base = int(time.time()) - 3600
    added = []
    for i in range(5):
        status, ev = control(server, "/_twofold/console-login", {
            "account": MEMBER, "user": "ct-alice" if i % 2 else "root", "mfaUsed": i == 1,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + i * 60)),
            "success": i != 3, "sourceIp": "203.0.113.5",
        })
        assert status == 200, ev
        added.append(ev["eventId"])
    control(server, "/_twofold/console-login", {"account": MEMBER, "user": "root",
                                                "region": "eu-west-1"})
    unknown = {"account": MEMBER, "user": "nobody"}
    assert control(server, "/_twofold/console-login", unknown)[0] == 404

    creds = assume(admin(server, "sts"), MEMBER)
    ct = session(server, "cloudtrail", creds)
    events = ct.lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}])["Events"]
    assert [e["EventId"] for e in events] == added[::-1]  # newest first, us-east-1 only
    newest = events[0]
    assert newest["Username"] == "root" and newest["EventSource"] == "signin.amazonaws.com"
    assert newest["ReadOnly"] == "false" and newest["Resources"] == []
    record = json.loads(events[3]["CloudTrailEvent"])  # i == 1: alice with MFA
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["userName"] == "ct-alice"
    assert record["userIdentity"]["arn"] == f"arn:aws:iam::{MEMBER}:user/ct-alice"
    assert record["additionalEventData"] == {
        "LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
        "MFAUsed": "Yes"}
    assert record["responseElements"] == {"ConsoleLogin": "Success"}
    assert record["sourceIPAddress"] == "203.0.113.5" and record["recipientAccountId"] == MEMBER
    assert (record["eventVersion"], record["eventType"], record["eventCategory"]) == (
        "1.08", "AwsConsoleSignIn", "Management")
    assert record["readOnly"] is False and record["managementEvent"] is True
    assert record["requestParameters"] is None
    failed = json.loads(events[1]["CloudTrailEvent"])
    assert failed["responseElements"] == {"ConsoleLogin": "Failure"}
    root = json.loads(events[0]["CloudTrailEvent"])["userIdentity"]
    assert root == {"type": "Root", "principalId": MEMBER, "arn": f"arn:aws:iam::{MEMBER}:root",
                    "accountId": MEMBER}

    # Filters, time range (epoch seconds on the wire) and paging.
    by_user = ct.lookup_events(LookupAttributes=[
        {"AttributeKey": "Username", "AttributeValue": "ct-alice"}])["Events"]
    assert [e["EventId"] for e in by_user] == [added[3], added[1]]
    ranged = ct.lookup_events(StartTime=base + 60, EndTime=base + 180)["Events"]
    assert [e["EventId"] for e in ranged] == [added[3], added[2], added[1]]
    page = ct.lookup_events(MaxResults=2)
    ids = [e["EventId"] for e in page["Events"]]
    while "NextToken" in page:
        page = ct.lookup_events(MaxResults=2, NextToken=page["NextToken"])
        ids += [e["EventId"] for e in page["Events"]]
    assert ids == added[::-1]
    with pytest.raises(ClientError) as e:
        ct.lookup_events(MaxResults=51)
    assert error(e)[0] == "InvalidMaxResultsException"
    # Per region (the signing region), per account.
    eu = boto3.client(
        "cloudtrail", endpoint_url=server["endpoint"], region_name="eu-west-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert [e["Username"] for e in eu.lookup_events()["Events"]] == ["root"]
    assert admin(server, "cloudtrail").lookup_events()["Events"] == []



def test_rate_limit_per_account_in_each_protocol(server, org):
    # No retries: note that botocore's `max_attempts` counts retries, so
    # Config(retries={"max_attempts": 1}) still retries once; `client` sets total_max_attempts.
    iam, orgs, ct = (admin(server, s) for s in ("iam", "organizations", "cloudtrail"))
    creds = assume(admin(server, "sts"), MEMBER)
    member_iam = session(server, "iam", creds)
    assert control(server, "/_twofold/rate-limit", {"perSecond": 1, "burst": 2}) == (
        200, {"perSecond": 1, "burst": 2})
    try:
        iam.list_users()
        orgs.list_accounts()
        for call, code in [(iam.list_users, "Throttling"),
                           (orgs.list_accounts, "TooManyRequestsException"),
                           (ct.lookup_events, "ThrottlingException")]:
            with pytest.raises(ClientError) as e:
                call()
            assert error(e) == (code, "Rate exceeded", 400)
        member_iam.list_users()  # another account has its own bucket
        time.sleep(1.1)
        iam.list_users()  # refilled
        status, setting = control(server, "/_twofold/rate-limit")
        assert status == 200 and setting["throttled"] >= 3
    finally:
        assert control(server, "/_twofold/rate-limit", {"perSecond": 0})[0] == 200
    for _ in range(5):
        iam.list_users()


def test_throttle_control_uses_the_json_shape_for_json_actions(server, org):
    orgs = admin(server, "organizations")
    control(server, "/_twofold/throttle", {"action": "ListAccounts", "count": 1})
    with pytest.raises(ClientError) as e:
        orgs.list_accounts()
    assert error(e) == ("TooManyRequestsException", "Rate exceeded", 400)
    orgs.list_accounts()
    raw = urllib.request.Request(server["endpoint"] + "/", data=b"{}", method="POST", headers={
        "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAX/20261207/us-east-1/organizations/"
                         "aws4_request, SignedHeaders=host, Signature=00",
    })
    control(server, "/_twofold/throttle", {"action": "ListAccounts", "count": 1})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(raw)
    assert e.value.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert e.value.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert json.load(e.value) == {"__type": "TooManyRequestsException", "message": "Rate exceeded"}


def test_latency_does_not_serialize_calls(server, org):
    assert control(server, "/_twofold/latency", {"ms": 500}) == (200, {"ms": 500})
    try:
        iam = admin(server, "iam")
        started = time.monotonic()
        iam.get_user()
        assert time.monotonic() - started >= 0.5
        clients = [admin(server, "iam") for _ in range(4)]
        started = time.monotonic()
        with ThreadPoolExecutor(len(clients)) as pool:
            answers = list(pool.map(lambda c: c.list_users(), clients))
        assert time.monotonic() - started < 1.5  # 4 x 500 ms would be 2 s in series
        assert all(a["ResponseMetadata"]["HTTPStatusCode"] == 200 for a in answers)
    finally:
        control(server, "/_twofold/latency", {"ms": 0})


def test_hardware_tokens(server, org):
    iam = admin(server, "iam")
    name = f"hw-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client(server, "sts", k["AccessKeyId"], k["SecretAccessKey"])
    seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    token = {"serial": "GAHT12345678", "seed": seed}
    registered = control(server, "/_twofold/hardware-token", token)
    assert registered == (200, {"serial": "GAHT12345678", "seed": seed})
    assert control(server, "/_twofold/hardware-token", {"serial": "GAHT12345678"})[0] == 409
    status, generated = control(server, "/_twofold/hardware-token", {"serial": "GAHT87654321"})
    assert status == 200 and len(generated["seed"]) == 32

    def enable(serial, w, user=name):
        iam.enable_mfa_device(
            UserName=user,
            SerialNumber=serial,
            AuthenticationCode1=totp(seed, w),
            AuthenticationCode2=totp(seed, w + 1),
        )

    w = now_window() - 1
    with pytest.raises(ClientError) as e:
        enable("GAHT00000000", w)
    assert error(e) == (
        "NoSuchEntity", "MFA Device with serial number GAHT00000000 does not exist.", 404
    )
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName=name, SerialNumber="GAHT12345678",
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
    assert error(e)[0] == "InvalidAuthenticationCode"
    enable("GAHT12345678", w)
    listed = iam.list_mfa_devices(UserName=name)["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == ["GAHT12345678"]
    assert credential_report(iam)[name]["mfa_active"] == "true"
    state = control(server, "/_twofold/devices")[1]["GAHT12345678"]
    assert state["enabled"] and state["user"] == name and state["hardware"]
    tokens = {t["serial"]: t for t in control(server, "/_twofold/hardware-tokens")[1]}
    assert tokens["GAHT12345678"]["assignedUser"] == name
    assert tokens["GAHT87654321"]["assignedUser"] is None

    other = f"hw2-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=other)
    with pytest.raises(ClientError) as e:
        enable("GAHT12345678", w + 2, other)
    assert error(e) == ("EntityAlreadyExists", "MFA Device is already in use.", 409)

    creds = sts.get_session_token(SerialNumber="GAHT12345678", TokenCode=totp(seed, w + 2))
    assert creds["Credentials"]["AccessKeyId"].startswith("ASIA")
    with pytest.raises(ClientError) as e:  # no replay
        sts.get_session_token(SerialNumber="GAHT12345678", TokenCode=totp(seed, w + 2))
    assert error(e)[0] == "AccessDenied"

    iam.deactivate_mfa_device(UserName=name, SerialNumber="GAHT12345678")
    assert credential_report(iam)[name]["mfa_active"] == "false"
    tokens = {t["serial"]: t for t in control(server, "/_twofold/hardware-tokens")[1]}
    assert tokens["GAHT12345678"]["assignedUser"] is None
    # Freed tokens can be reassigned. GAHT12345678's windows up to now+1 are burnt (no replay),
    # so show it with the other token rather than wait 30 s.
    seed = generated["seed"]
    w = now_window() - 1
    enable("GAHT87654321", w)
    iam.deactivate_mfa_device(UserName=name, SerialNumber="GAHT87654321")
    enable("GAHT87654321", w + 2, other)
    # It counts toward the 8-device limit.
    for i in range(7):
        assert control(server, "/_twofold/security-key", {"user": other, "name": f"k{i}"})[0] == 200
    assert control(server, "/_twofold/security-key", {"user": other, "name": "ninth"})[0] == 409


def test_mfa_conditions_on_role_trust_and_role_sessions(server, org):
    sts, serial, seed, w = mfa_user(server)
    member_iam = session(server, "iam", assume(admin(server, "sts"), MEMBER))
    management = server["admin"]["accountId"]
    member_iam.create_role(RoleName="mfa-only", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                       "Action": "sts:AssumeRole",
                       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}],
    }))
    member_iam.put_role_policy(RoleName="mfa-only", PolicyName="users", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}],
    }))
    with pytest.raises(ClientError) as e:
        assume(sts, MEMBER, "mfa-only")
    assert error(e)[0] == "AccessDenied"
    code = totp(seed, w + 2)
    creds = assume(sts, MEMBER, "mfa-only", SerialNumber=serial, TokenCode=code)
    session(server, "iam", creds).list_users()  # the session carries MultiFactorAuthPresent true
