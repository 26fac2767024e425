"""The AWS Organization the management account (server.py's --account-id) runs, and what tests put
into its accounts straight in moto's backends (no HTTP per item): member accounts with fixed ids,
users in bulk, root MFA.

moto's CreateAccount picks random account ids and gives the OrganizationAccountAccessRole no
permissions; `add_accounts` inserts accounts with the ids a test names and the role AWS creates.
moto answers ListAccounts from a member account with an empty list; AWS refuses it
(`list_accounts`).
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from unittest import mock

from moto.core.exceptions import JsonRESTError
from moto.iam.exceptions import NotFoundException as IamNotFound
from moto.iam.models import IAMBackend, iam_backends
from moto.organizations import utils as org_utils
from moto.organizations.models import FakeAccount, organizations_backends
from moto.organizations.responses import OrganizationsResponse

from . import hardening, tokens
from .hardening import ControlError

ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
STATUSES = ("ACTIVE", "SUSPENDED")


def _iam(account_id: str) -> IAMBackend:
    return iam_backends[account_id]["aws"]


def add_accounts(management: str, accounts: list[dict[str, Any]]) -> dict[str, Any]:
    """`POST /_twofold/org`: creates the organization (feature set ALL) if needed and adds or
    updates the member `accounts` ({id, name, email[, role, roleName, status]})."""
    for a in accounts:
        if not (isinstance(a.get("id"), str) and len(a["id"]) == 12 and a["id"].isdigit()):
            raise ControlError(400, "ValidationError", f"account id must be 12 digits: {a!r}")
        if a["id"] == management:
            raise ControlError(400, "ValidationError", "the management account is no member")
        if a.get("status", "ACTIVE") not in STATUSES:
            raise ControlError(400, "ValidationError", f"status must be one of {STATUSES}")
        if not a.get("name") or not a.get("email"):
            raise ControlError(400, "ValidationError", f"name and email are required: {a!r}")
    backend = organizations_backends[management]["aws"]
    with hardening.LOCK:
        if backend.org is None:
            backend.create_organization(region="us-east-1", FeatureSet="ALL")
        for a in accounts:
            _add_account(backend, a)
        listed = [
            {"id": acc.id, "name": acc.name, "email": acc.email, "status": acc.status}
            for acc in backend.accounts
        ]
    return {
        "organizationId": backend.org.id,
        "managementAccount": management,
        "accounts": listed,
    }


def _add_account(backend: Any, spec: dict[str, Any]) -> None:
    account_id = spec["id"]
    role_name = str(spec.get("roleName", "OrganizationAccountAccessRole"))
    existing = next((acc for acc in backend.accounts if acc.id == account_id), None)
    if existing is None:
        had_role = role_name in {r.name for r in _iam(account_id).roles.values()}
        # FakeAccount draws a random id and creates the role (without permissions) in it.
        with mock.patch.object(org_utils, "make_random_account_id", return_value=account_id):
            account = FakeAccount(
                backend.org, AccountName=spec["name"], Email=spec["email"], RoleName=role_name
            )
        backend.accounts.append(account)
        for policy_id in (org_utils.DEFAULT_SCP_POLICY_ID, org_utils.DEFAULT_RCP_POLICY_ID):
            backend.attach_policy(PolicyId=policy_id, TargetId=account_id)
        organizations_backends.master_accounts[account_id] = (backend.account_id, "aws")
        if not spec.get("role", True) and not had_role:
            _iam(account_id).delete_role(role_name)
    else:
        account = existing
        account.name, account.email = spec["name"], spec["email"]
    account.status = account.state = spec.get("status", "ACTIVE")
    if spec.get("role", True):
        _ensure_admin_role(account_id, backend.account_id, role_name)


def _ensure_admin_role(account_id: str, management: str, role_name: str) -> None:
    """The role AWS creates in a new member account: trusts the management account's root, and
    its inline policy `AdministratorAccess` allows everything."""
    iam = _iam(account_id)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    try:
        iam.get_role(role_name)
    except IamNotFound:
        iam.create_role(
            role_name=role_name,
            assume_role_policy_document=json.dumps(trust),
            path="/",
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration="3600",
        )
    iam.put_role_policy(role_name, "AdministratorAccess", ADMIN_POLICY)


_orig_list_accounts = OrganizationsResponse.list_accounts


def list_accounts(self: OrganizationsResponse) -> str:
    """AWS lets only the management account (or a delegated administrator) list the accounts."""
    if self.organizations_backend.org is None:
        if self.current_account in organizations_backends.master_accounts:
            raise JsonRESTError(
                "AccessDeniedException", "You don't have permissions to access this resource."
            )
        raise JsonRESTError(
            "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."
        )
    return _orig_list_accounts(self)


def add_users(account_id: str, users: list[dict[str, Any]]) -> dict[str, Any]:
    """`POST /_twofold/users`: creates users in `account_id` straight in moto's backend, each with
    an optional login profile, enabled MFA device (virtual or hardware) and access key."""
    for u in users:
        if not isinstance(u.get("name"), str) or not u["name"]:
            raise ControlError(400, "ValidationError", f"user needs a name: {u!r}")
        if u.get("mfa") not in (None, "virtual", "hardware"):
            raise ControlError(400, "ValidationError", f"mfa is virtual, hardware or null: {u!r}")
    iam = _iam(account_id)
    with hardening.LOCK:
        for u in users:
            if u["name"] in iam.users:
                raise ControlError(
                    409, "EntityAlreadyExists", f"User with name {u['name']} already exists."
                )
        for u in users:
            name = u["name"]
            iam.create_user(region_name="us-east-1", user_name=name)
            if u.get("console"):
                iam.create_login_profile(name, secrets.token_urlsafe(16))
            if u.get("mfa") == "virtual":
                device = iam.create_virtual_mfa_device(name, "/")
                iam.enable_mfa_device(name, device.serial_number, "", "")
                hardening.DEVICES[device.serial_number] = hardening.DeviceState(True, None)
            elif u.get("mfa") == "hardware":
                token = tokens.take_free(account_id, name)
                iam.enable_mfa_device(name, token.serial, "", "")
            if u.get("accessKey"):
                iam.create_access_key(name)
    return {"account": account_id, "created": len(users)}


def set_root_mfa(account_id: str, enabled: bool) -> dict[str, Any]:
    """`POST /_twofold/root-mfa`: GetAccountSummary's AccountMFAEnabled (moto: always 0) and the
    credential report's `<root_account>` mfa_active."""
    with hardening.LOCK:
        _iam(account_id).account_summary._account_mfa_enabled = 1 if enabled else 0
    return {"account": account_id, "enabled": enabled}


def install() -> None:
    """Applies the patch on ListAccounts. Idempotent."""
    OrganizationsResponse.list_accounts = list_accounts
