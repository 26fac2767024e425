//! Changing the accounts of an open vault: add, import, edit, remove, and taking codes. Each
//! change is one [`Vault::update`]: one locked, atomic write, or none.

use std::collections::HashSet;

use super::data::default_name;
use super::{
    Account, AccountId, AccountPatch, AlreadyHeld, ImportCheck, Imported, NewAccount, Settings,
    Vault,
};
use crate::otp::{Code, OtpKind};
use crate::{Error, Result};

impl Vault {
    /// Adds an account and returns its id.
    pub fn add(&mut self, new: NewAccount, now: u64) -> Result<AccountId> {
        let mut ids = self.add_all(vec![new], now)?;
        ids.pop()
            .ok_or_else(|| Error::NotFound("the added account".into()))
    }

    /// Adds every account in one write, or none: when a name is taken (in the vault or twice
    /// in `news`) nothing is written and the error names it. Returns the ids in order.
    pub fn add_all(&mut self, news: Vec<NewAccount>, now: u64) -> Result<Vec<AccountId>> {
        let mut named = Vec::with_capacity(news.len());
        for new in news {
            let name = match new.name.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => n.to_string(),
                Some(_) => return Err(Error::EmptyName),
                None => default_name(&new.uri),
            };
            named.push((name, new));
        }
        self.update(|d| {
            let mut ids = Vec::with_capacity(named.len());
            for (name, new) in named {
                d.check_name_free(&name, None)?;
                ids.push(d.push_new(name, new, now));
            }
            Ok(ids)
        })
    }

    /// Adds scanned or imported accounts in one write, or none. An account whose secret the
    /// vault already holds is not added twice (it is reported in [`Imported::already`]) unless
    /// the user gave the copy another name, which is a deliberate second entry. A name
    /// the user gave must be free, else nothing is written and the error names it; a name
    /// Twofold picks is made free (`ACME:alice (2)`), so an import never stops on a clash the
    /// user did not create.
    pub fn import(&mut self, news: Vec<NewAccount>, now: u64) -> Result<Imported> {
        self.update(|d| {
            let checks = d.check_import(&news);
            // Lower-cased names in use, kept up to date as accounts are added: one set instead
            // of a scan of the vault per entry.
            let mut taken: HashSet<String> =
                d.accounts.iter().map(|a| a.name.to_lowercase()).collect();
            // The name each entry was added as, so a repeat within the file can name it.
            let mut added_as: Vec<Option<String>> = vec![None; news.len()];
            let mut out = Imported::default();
            for ((index, new), check) in news.into_iter().enumerate().zip(checks) {
                let holder = match check {
                    ImportCheck::New => None,
                    ImportCheck::Held(by) => Some(by),
                    ImportCheck::Repeats(first) => added_as.get(first).cloned().flatten(),
                };
                // Held already: skipped, unless the user named a deliberate second copy (a name
                // equal to the holder's own is the same account again, as a restored backup has).
                let holder = holder.filter(|by| new.name.as_deref().is_none_or(|n| n.trim() == by));
                if let Some(held_by) = holder {
                    out.already.push(AlreadyHeld {
                        index,
                        name: default_name(&new.uri),
                        held_by,
                    });
                    continue;
                }
                let name = match new.name.as_deref().map(str::trim) {
                    Some("") => return Err(Error::EmptyName),
                    Some(n) if taken.contains(&n.to_lowercase()) => {
                        return Err(Error::AlreadyExists(n.to_string()))
                    }
                    Some(n) => n.to_string(),
                    None => free_name(&taken, &default_name(&new.uri)),
                };
                taken.insert(name.to_lowercase());
                added_as[index] = Some(name.clone());
                out.added_from.push((index, name.clone()));
                out.added.push(d.push_new(name, new, now));
            }
            Ok(out)
        })
    }

    /// Changes an account's name, issuer, label, tags, favourite mark or note.
    pub fn edit(&mut self, name_or_id: &str, patch: AccountPatch) -> Result<()> {
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            let id = d.accounts[i].id.clone();
            if let Some(name) = &patch.name {
                let name = name.trim();
                if name.is_empty() {
                    return Err(Error::EmptyName);
                }
                d.check_name_free(name, Some(&id))?;
                d.accounts[i].name = name.to_string();
            }
            let a = &mut d.accounts[i];
            if let Some(v) = patch.issuer {
                a.issuer = v.trim().to_string();
            }
            if let Some(v) = patch.account {
                a.account = v.trim().to_string();
            }
            if let Some(v) = patch.tags {
                a.tags = v;
            }
            if let Some(v) = patch.favourite {
                a.meta.favourite = v;
            }
            if let Some(v) = patch.note {
                let v = v.trim();
                if v.chars().count() > super::data::NOTE_MAX_CHARS {
                    return Err(Error::NoteTooLong(super::data::NOTE_MAX_CHARS));
                }
                a.meta.note = v.to_string();
            }
            if let Some(v) = patch.icon {
                if !super::data::icon_is_valid(&v) {
                    return Err(Error::BadIcon(v));
                }
                a.meta.icon = v;
            }
            Ok(())
        })
    }

    /// Moves an account to `position` (0 first; past the end is last): the manual order the
    /// list shows when sorted by hand.
    pub fn move_to(&mut self, name_or_id: &str, position: usize) -> Result<()> {
        self.update(|d| {
            let from = d.index_of(name_or_id)?;
            let account = d.accounts.remove(from);
            let to = position.min(d.accounts.len());
            d.accounts.insert(to, account);
            Ok(())
        })
    }

    /// Removes an account.
    pub fn remove(&mut self, name_or_id: &str) -> Result<Account> {
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            Ok(d.accounts.remove(i))
        })
    }

    /// The current code of a TOTP/Steam account at `unix` (the clock offset setting applied).
    /// For HOTP it shows the code of the stored counter without using it up; use
    /// [`Vault::next_hotp`] to take a code.
    pub fn code(&self, name_or_id: &str, unix: u64) -> Result<Code> {
        let a = self.find(name_or_id)?;
        Ok(a.otp.code_at(crate::otp::apply_offset(
            unix,
            self.data.settings.clock_offset_secs,
        )))
    }

    /// Takes the next HOTP code: the counter moves on and is written to disk before the code
    /// is returned, so no code is ever handed out twice.
    pub fn next_hotp(&mut self, name_or_id: &str, now: u64) -> Result<Code> {
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            let a = &mut d.accounts[i];
            if a.otp.kind != OtpKind::Hotp {
                return Err(Error::NotHotp(a.name.clone()));
            }
            let code = a.otp.code_at(0);
            // The next counter is stored before the code is handed out: at the largest counter
            // there is none, so its code is never given.
            a.otp.counter = a
                .otp
                .counter
                .checked_add(1)
                .ok_or_else(|| Error::CounterExhausted(a.name.clone()))?;
            a.last_used = Some(now);
            a.meta.uses = a.meta.uses.saturating_add(1);
            Ok(code)
        })
    }

    /// Takes a code for use (copied, printed, typed somewhere): for HOTP the next code, the
    /// counter saved first; for time-based accounts the current code, with the account's last
    /// use recorded and, for an account linked to an AWS MFA device, the window marked as used,
    /// because AWS refuses a code twice: a session started right after waits for the next
    /// window instead of failing.
    pub fn take_code(&mut self, name_or_id: &str, now: u64) -> Result<Code> {
        if self.find(name_or_id)?.otp.kind == OtpKind::Hotp {
            return self.next_hotp(name_or_id, now);
        }
        self.update(|d| {
            let i = d.index_of(name_or_id)?;
            let shifted = crate::otp::apply_offset(now, d.settings.clock_offset_secs);
            let a = &mut d.accounts[i];
            let code = a.otp.code_at(shifted);
            a.last_used = Some(now);
            a.meta.uses = a.meta.uses.saturating_add(1);
            if let Some(link) = &a.aws {
                let window = shifted / a.otp.period.max(1);
                let used = d.used_windows.entry(link.serial.clone()).or_insert(0);
                *used = (*used).max(window);
            }
            Ok(code)
        })
    }

    /// Replaces the settings.
    pub fn set_settings(&mut self, settings: Settings) -> Result<()> {
        self.update(|d| {
            d.settings = settings;
            Ok(())
        })
    }
}

/// `base` when `taken` (lower-cased names) lacks it, else `base (2)`, `base (3)`...
fn free_name(taken: &HashSet<String>, base: &str) -> String {
    if !taken.contains(&base.to_lowercase()) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|n| !taken.contains(&n.to_lowercase()))
        .unwrap_or_default()
}
