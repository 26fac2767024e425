//! The fake's side of [`AdminApi`]: what the audit and the enforce step read and change.
//!
//! Users are the fake's users; a test gives them a console password, access keys and devices,
//! makes groups and policies, sets the root user's MFA, and scripts the credential report
//! (how many polls it takes to generate, or a CSV of its own). Unless a CSV is scripted, the
//! report is written from the account as it is, the way IAM writes it: quoted where a field
//! holds a comma.

use std::collections::BTreeMap;
use std::future::Future;

use super::{err, Device, FakeIam, ACCOUNT};
use crate::aws::admin::{AccessKey, AdminApi, IamUser, ReportState};
use crate::aws::client::{DeviceKind, MfaDevice};
use crate::aws::error::{AwsError, AwsErrorKind};

#[derive(Debug, Default)]
pub(super) struct AdminState {
    root_mfa: bool,
    /// Users with a console password, and their last sign-in.
    consoles: BTreeMap<String, Option<i64>>,
    keys: BTreeMap<String, Vec<Key>>,
    groups: BTreeMap<String, Group>,
    /// Managed policies: ARN -> document.
    policies: BTreeMap<String, String>,
    /// GenerateCredentialReport calls still to answer "not complete".
    report_pending: usize,
    report_started: bool,
    report_csv: Option<String>,
}

#[derive(Debug)]
struct Key {
    id: String,
    active: bool,
    last_used: Option<i64>,
}

#[derive(Debug, Default)]
struct Group {
    members: Vec<String>,
    attached: Vec<String>,
}

/// The credential report's columns, as IAM writes them.
const REPORT_HEADER: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

fn report_time(t: Option<i64>, none: &str) -> String {
    t.map_or_else(|| none.to_string(), crate::aws::sessions::rfc3339)
}

impl FakeIam {
    /// Adds an IAM user (no password, no keys, no devices).
    pub fn add_user(&self, name: &str) {
        let mut s = self.lock();
        if !s.users.iter().any(|u| u == name) {
            s.users.push(name.into());
        }
    }

    /// Gives `user` a console password, last used at `last_used` (Unix seconds).
    pub fn set_console(&self, user: &str, last_used: Option<i64>) {
        self.add_user(user);
        self.lock().admin.consoles.insert(user.into(), last_used);
    }

    /// Gives `user` an access key; returns its id.
    pub fn add_access_key(&self, user: &str, active: bool, last_used: Option<i64>) -> String {
        self.add_user(user);
        let mut s = self.lock();
        let n: usize = s.admin.keys.values().map(Vec::len).sum();
        let id = format!("AKIAFAKE{:08}", n + 1);
        s.admin.keys.entry(user.into()).or_default().push(Key {
            id: id.clone(),
            active,
            last_used,
        });
        id
    }

    /// Enables a device for `user`: a virtual one (`arn:...:mfa/NAME`), a security key
    /// (`arn:...:u2f/...`) or a hardware token (a plain serial).
    pub fn add_device(&self, user: &str, serial: &str) {
        self.add_user(user);
        self.lock().devices.insert(
            serial.into(),
            Device {
                seed: vec![7; 20],
                user: Some(user.into()),
                last_window: None,
            },
        );
    }

    /// Whether the root user has MFA.
    pub fn set_root_mfa(&self, enabled: bool) {
        self.lock().admin.root_mfa = enabled;
    }

    /// Adds a group with these members.
    pub fn add_group(&self, name: &str, members: &[&str]) {
        for m in members {
            self.add_user(m);
        }
        self.lock().admin.groups.insert(
            name.into(),
            Group {
                members: members.iter().map(|m| m.to_string()).collect(),
                attached: Vec::new(),
            },
        );
    }

    /// Adds a customer-managed policy named `name`; returns its ARN.
    pub fn add_policy(&self, name: &str, document: &str) -> String {
        let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
        self.lock()
            .admin
            .policies
            .insert(arn.clone(), document.into());
        arn
    }

    /// The ARNs of the customer-managed policies.
    pub fn policies(&self) -> Vec<String> {
        self.lock().admin.policies.keys().cloned().collect()
    }

    /// The document of a policy.
    pub fn policy_document(&self, arn: &str) -> Option<String> {
        self.lock().admin.policies.get(arn).cloned()
    }

    /// Attaches a managed policy to a group, as AttachGroupPolicy does.
    pub fn attach(&self, group: &str, arn: &str) {
        if let Some(g) = self.lock().admin.groups.get_mut(group) {
            g.attached.push(arn.into());
        }
    }

    /// The ARNs of the policies attached to a group.
    pub fn attached(&self, group: &str) -> Vec<String> {
        self.lock()
            .admin
            .groups
            .get(group)
            .map(|g| g.attached.clone())
            .unwrap_or_default()
    }

    /// The next `polls` GenerateCredentialReport calls answer that the report is being
    /// generated (the first "started", then "in progress"); GetCredentialReport fails until then.
    pub fn report_pending_for(&self, polls: usize) {
        let mut s = self.lock();
        s.admin.report_pending = polls;
        s.admin.report_started = false;
    }

    /// GetCredentialReport returns `csv` instead of a report of the account.
    pub fn set_credential_report(&self, csv: &str) {
        self.lock().admin.report_csv = Some(csv.into());
    }

    /// The credential report of the account as it is.
    fn report(&self) -> String {
        let s = self.lock();
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut rows = vec![REPORT_HEADER.map(String::from).to_vec()];
        let root = [
            "<root_account>".to_string(),
            format!("arn:aws:iam::{ACCOUNT}:root"),
            "2020-01-01T00:00:00+00:00".into(),
            "not_supported".into(),
            "no_information".into(),
            "not_supported".into(),
            "not_supported".into(),
            s.admin.root_mfa.to_string(),
        ];
        let no_keys = ["false", "N/A", "N/A", "N/A", "N/A"].repeat(2);
        let no_certs = ["false", "N/A", "false", "N/A"];
        rows.push(
            root.into_iter()
                .chain(no_keys.iter().map(|v| v.to_string()))
                .chain(no_certs.iter().map(|v| v.to_string()))
                .collect(),
        );
        for user in &s.users {
            let console = s.admin.consoles.get(user);
            let mfa = s.devices.values().any(|d| d.user.as_ref() == Some(user));
            let mut row = vec![
                user.clone(),
                format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
                "2020-01-01T00:00:00+00:00".into(),
                console.is_some().to_string(),
                match console {
                    Some(t) => report_time(*t, "no_information"),
                    None => "N/A".into(),
                },
                "N/A".into(),
                "N/A".into(),
                mfa.to_string(),
            ];
            let keys = s
                .admin
                .keys
                .get(user)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for i in 0..2 {
                match keys.get(i) {
                    Some(k) => row.extend([
                        k.active.to_string(),
                        "N/A".into(),
                        report_time(k.last_used, "N/A"),
                        "N/A".into(),
                        "N/A".into(),
                    ]),
                    None => row.extend(["false", "N/A", "N/A", "N/A", "N/A"].map(String::from)),
                }
            }
            row.extend(no_certs.map(String::from));
            rows.push(row);
        }
        for row in rows {
            w.write_record(row).expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("utf-8")
    }

    fn no_such(op: &'static str, what: &str) -> AwsError {
        err(op, AwsErrorKind::NotFound, &format!("no such {what}"))
    }
}

impl AdminApi for FakeIam {
    fn account_mfa_enabled(&self) -> impl Future<Output = Result<Option<bool>, AwsError>> + Send {
        let r = self
            .enter("GetAccountSummary")
            .map(|()| Some(self.lock().admin.root_mfa));
        async move { r }
    }

    fn list_assigned_virtual_devices(
        &self,
    ) -> impl Future<Output = Result<Vec<MfaDevice>, AwsError>> + Send {
        let r = self.enter("ListVirtualMFADevices").map(|()| {
            self.lock()
                .devices
                .iter()
                .filter(|(serial, d)| {
                    d.user.is_some() && DeviceKind::of(serial) == DeviceKind::Virtual
                })
                .map(|(serial, d)| MfaDevice {
                    serial: serial.clone(),
                    user: d.user.clone(),
                    enabled_at: Some(0),
                    kind: DeviceKind::Virtual,
                })
                .collect()
        });
        async move { r }
    }

    fn generate_credential_report(
        &self,
    ) -> impl Future<Output = Result<ReportState, AwsError>> + Send {
        let r = self.enter("GenerateCredentialReport").map(|()| {
            let mut s = self.lock();
            let a = &mut s.admin;
            if a.report_pending == 0 {
                return ReportState::Complete;
            }
            a.report_pending -= 1;
            if std::mem::replace(&mut a.report_started, true) {
                ReportState::InProgress
            } else {
                ReportState::Started
            }
        });
        async move { r }
    }

    fn get_credential_report(&self) -> impl Future<Output = Result<String, AwsError>> + Send {
        let r = self.enter("GetCredentialReport").and_then(|()| {
            let (pending, scripted) = {
                let s = self.lock();
                (s.admin.report_pending, s.admin.report_csv.clone())
            };
            if pending > 0 {
                let mut e = err(
                    "GetCredentialReport",
                    AwsErrorKind::Other,
                    "the report is still being generated",
                );
                e.code = "ReportInProgress".into();
                return Err(e);
            }
            Ok(scripted.unwrap_or_else(|| self.report()))
        });
        async move { r }
    }

    fn list_users(&self) -> impl Future<Output = Result<Vec<IamUser>, AwsError>> + Send {
        let r = self.enter("ListUsers").map(|()| {
            let s = self.lock();
            s.users
                .iter()
                .map(|name| IamUser {
                    name: name.clone(),
                    arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
                    password_last_used: s.admin.consoles.get(name).copied().flatten(),
                })
                .collect()
        });
        async move { r }
    }

    fn get_login_profile(&self, user: &str) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self.enter("GetLoginProfile").and_then(|()| {
            if self.lock().admin.consoles.contains_key(user) {
                Ok(())
            } else {
                Err(FakeIam::no_such("GetLoginProfile", "login profile"))
            }
        });
        async move { r }
    }

    fn list_access_keys(
        &self,
        user: &str,
    ) -> impl Future<Output = Result<Vec<AccessKey>, AwsError>> + Send {
        let r = self.enter("ListAccessKeys").map(|()| {
            self.lock()
                .admin
                .keys
                .get(user)
                .map(|keys| {
                    keys.iter()
                        .map(|k| AccessKey {
                            id: k.id.clone(),
                            active: k.active,
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        async move { r }
    }

    fn access_key_last_used(
        &self,
        _user: &str,
        key_id: &str,
    ) -> impl Future<Output = Result<Option<i64>, AwsError>> + Send {
        let r = self.enter("GetAccessKeyLastUsed").and_then(|()| {
            self.lock()
                .admin
                .keys
                .values()
                .flatten()
                .find(|k| k.id == key_id)
                .map(|k| k.last_used)
                .ok_or_else(|| FakeIam::no_such("GetAccessKeyLastUsed", "access key"))
        });
        async move { r }
    }

    fn list_groups(&self) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send {
        let r = self
            .enter("ListGroups")
            .map(|()| self.lock().admin.groups.keys().cloned().collect());
        async move { r }
    }

    fn group_members(
        &self,
        group: &str,
    ) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send {
        let r = self.enter("GetGroup").and_then(|()| {
            self.lock()
                .admin
                .groups
                .get(group)
                .map(|g| g.members.clone())
                .ok_or_else(|| FakeIam::no_such("GetGroup", "group"))
        });
        async move { r }
    }

    fn get_policy(&self, arn: &str) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self.enter("GetPolicy").and_then(|()| {
            if self.lock().admin.policies.contains_key(arn) {
                Ok(())
            } else {
                Err(FakeIam::no_such("GetPolicy", "policy"))
            }
        });
        async move { r }
    }

    fn list_attached_group_policies(
        &self,
        group: &str,
    ) -> impl Future<Output = Result<Vec<String>, AwsError>> + Send {
        let r = self.enter("ListAttachedGroupPolicies").and_then(|()| {
            self.lock()
                .admin
                .groups
                .get(group)
                .map(|g| g.attached.clone())
                .ok_or_else(|| FakeIam::no_such("ListAttachedGroupPolicies", "group"))
        });
        async move { r }
    }

    fn create_policy(
        &self,
        name: &str,
        _arn: &str,
        _description: &str,
        document: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self.enter("CreatePolicy").and_then(|()| {
            let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
            let mut s = self.lock();
            if s.admin.policies.contains_key(&arn) {
                return Err(err(
                    "CreatePolicy",
                    AwsErrorKind::AlreadyExists,
                    "a policy with that name exists",
                ));
            }
            s.admin.policies.insert(arn, document.into());
            Ok(())
        });
        async move { r }
    }

    fn attach_group_policy(
        &self,
        group: &str,
        arn: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send {
        let r = self.enter("AttachGroupPolicy").and_then(|()| {
            let mut s = self.lock();
            if !s.admin.policies.contains_key(arn) {
                return Err(FakeIam::no_such("AttachGroupPolicy", "policy"));
            }
            let g = s
                .admin
                .groups
                .get_mut(group)
                .ok_or_else(|| FakeIam::no_such("AttachGroupPolicy", "group"))?;
            if !g.attached.iter().any(|a| a == arn) {
                g.attached.push(arn.into());
            }
            Ok(())
        });
        async move { r }
    }
}
