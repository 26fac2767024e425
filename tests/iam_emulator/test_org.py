"""The emulator as the management account of an AWS Organization: member accounts, cross-account
AssumeRole, bulk users, root MFA, CloudTrail console sign-ins, rate limits and latency, hardware
tokens. Everything through boto3 with real keys against a started server, auth on.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

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


def assume(server, sts, account, name=ROLE, **kw):
    return sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{name}", RoleSessionName="twofold", **kw
    )["Credentials"]


def session(server, service, creds):
    return client(
        server, service, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
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
    assert control(server, "/_twofold/org", {"accounts": [{"id": "12", "name": "x", "email": "y"}]})[0] == 400


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
    unknown = client(server, "organizations", "AKIAUNKNOWNKEY123456", "x")
    with pytest.raises(ClientError) as e:
        unknown.list_accounts()
    assert error(e)[0] == "UnrecognizedClientException"


def test_member_account_cannot_list_accounts(server, org):
    creds = assume(server, admin(server, "sts"), MEMBER)
    with pytest.raises(ClientError) as e:
        session(server, "organizations", creds).list_accounts()
    assert error(e)[:2] == (
        "AccessDeniedException", "You don't have permissions to access this resource."
    )


def test_assume_role_acts_in_the_member_account(server, org):
    iam = admin(server, "iam")
    iam.create_user(UserName="mgmt-only")
    control(server, "/_twofold/users", {"account": MEMBER, "users": [{"name": "member-user"}]})
    creds = assume(server, admin(server, "sts"), MEMBER)
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
    member_iam.generate_credential_report()
    report = member_iam.get_credential_report()["Content"].decode()
    rows = list(csv.DictReader(io.StringIO(report)))
    assert rows[0]["arn"] == f"arn:aws:iam::{MEMBER}:root"
    assert "member-user" in {r["user"] for r in rows} and "mgmt-only" not in {r["user"] for r in rows}


def test_assume_role_checks_the_role_and_its_trust(server, org):
    sts = admin(server, "sts")
    caller = server["admin"]["arn"]
    for account, name in [(OTHER, ROLE), (MEMBER, "NoSuchRole"), ("999999999999", ROLE)]:
        with pytest.raises(ClientError) as e:
            assume(server, sts, account, name)
        arn = f"arn:aws:iam::{account}:role/{name}"
        assert error(e) == (
            "AccessDenied",
            f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {arn}",
            403,
        )
    # A role that trusts someone else.
    creds = assume(server, sts, MEMBER)
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
        assume(server, sts, MEMBER, "trusts-other")
    assert error(e)[0] == "AccessDenied"


def test_assume_role_session_can_assume_again(server, org):
    creds = assume(server, admin(server, "sts"), MEMBER)
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
    chained = assume(server, session(server, "sts", creds), MEMBER, "auditor")
    ident = session(server, "sts", chained).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:sts::{MEMBER}:assumed-role/auditor/twofold"
    session(server, "iam", chained).list_users()
    with pytest.raises(ClientError) as e:
        session(server, "iam", chained).create_user(UserName="nope")
    assert error(e)[0] == "AccessDenied"


def test_assume_role_keeps_the_mfa_check(server, org):
    iam = admin(server, "iam")
    name = f"mfa-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client(server, "sts", k["AccessKeyId"], k["SecretAccessKey"])
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    w = now_window() - 1
    iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                          AuthenticationCode1=totp(seed, w), AuthenticationCode2=totp(seed, w + 1))
    with pytest.raises(ClientError) as e:
        assume(server, sts, MEMBER, SerialNumber=serial, TokenCode="000000")
    assert error(e)[0] == "AccessDenied" and "one time pass code" in error(e)[1]
    creds = assume(server, sts, MEMBER, SerialNumber=serial, TokenCode=totp(seed, w + 2))
    assert session(server, "sts", creds).get_caller_identity()["Account"] == MEMBER
