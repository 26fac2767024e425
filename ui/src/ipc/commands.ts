// One typed wrapper per Tauri command. The only module (with events.ts) that calls `invoke`.
// Each command's argument names and types and its result come from ../bindings/commands.ts,
// generated from the Rust fns (src-tauri/src/command_types.rs): a renamed or retyped Rust
// argument fails the typecheck here. DTO types come from ../bindings (ts-rs). Never edit those.
import { Channel, type InvokeOptions, invoke } from '@tauri-apps/api/core';
import type { AccountUpdate } from '../bindings/AccountUpdate';
import type { AuditProgress } from '../bindings/AuditProgress';
import type { AwsCreds } from '../bindings/AwsCreds';
import type { Commands } from '../bindings/commands';
import type { EnrollStep } from '../bindings/EnrollStep';
import type { ManualAccount } from '../bindings/ManualAccount';
import type { OrgProgressView } from '../bindings/OrgProgressView';
import type { SessionProgress } from '../bindings/SessionProgress';
import type { Settings } from '../bindings/Settings';
import { toIpcError } from './errors';

type Command = keyof Commands;
type ResultOf<K extends Command> = Commands[K]['result'];
/** What `call` takes after the name: the arguments (none when the command takes none), then
 * `invoke`'s options. */
type CallArgs<K extends Command> = Commands[K]['args'] extends null
  ? [args?: null, options?: InvokeOptions]
  : [args: Commands[K]['args'], options?: InvokeOptions];

async function call<K extends Command>(
  cmd: K,
  ...[args, options]: CallArgs<K>
): Promise<ResultOf<K>> {
  try {
    return await invoke<ResultOf<K>>(cmd, args ?? undefined, options);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const appAbout = () => call('app_about');
/** Opens the folder of the log files in the file manager. */
export const appOpenLogs = () => call('app_open_logs');
/** Puts the app's twofold CLI on PATH (a link, or the user PATH on Windows). */
export const cliPutOnPath = () => call('cli_put_on_path');

export const vaultStatus = () => call('vault_status');
/** How to open the vault: the OS keyring, the password, or the recovery key. */
export type UnlockMethod = { kind: 'keyring' } | { kind: 'password'; password: string } | { kind: 'recoveryKey'; key: string };
/** Opens the vault; `acceptRollback` opens a copy older than the newest seen on this computer. */
export const vaultUnlock = (method: UnlockMethod, acceptRollback = false) =>
  call('vault_unlock', {
    password: method.kind === 'password' ? method.password : null,
    recoveryKey: method.kind === 'recoveryKey' ? method.key : null,
    acceptRollback,
  });
/** Creates a new vault (keyring slot when available) with a password, or with a recovery key
 * that comes back once to be shown. */
export const vaultCreate = (password: string | null, recoveryKey: boolean) =>
  call('vault_create', { password, recoveryKey });
export const vaultLock = () => call('vault_lock');
/** Whether the OS can confirm it is the user (polkit on Linux), or why not. */
export const osVerifyStatus = () => call('os_verify_status');
/** Shows the OS's own authentication dialog; resolves once it confirmed it is the user (the
 * next keyring unlock or secret shown may then go ahead), rejects with `notVerified`. */
export const osVerify = () => call('os_verify');
/** Closes the OS's dialog opened by osVerify (which then rejects). */
export const osVerifyCancel = () => call('os_verify_cancel');
/** Sets or changes (a string) or removes (null) the password; the master key is replaced. */
export const vaultPasswordSet = (password: string | null) => call('vault_password_set', { password });
/** A new recovery key (the old one stops working), returned to show once. */
/** Replacing or removing the recovery key gives the vault a new master key, which needs the
 * vault's password when it has one (null otherwise). */
export const vaultRecoveryKeyAdd = (password: string | null) => call('vault_recovery_key_add', { password });
export const vaultRecoveryKeyRemove = (password: string | null) => call('vault_recovery_key_remove', { password });
/** Writes the recovery key just shown to a file (default: the documents folder); returns its path. */
export const vaultRecoveryKeySave = (path: string | null) => call('vault_recovery_key_save', { path });
/** The user saved the recovery key; the app forgets it. */
export const vaultRecoveryKeyDone = () => call('vault_recovery_key_done');

export const accountsList = () => call('accounts_list');
export const accountAddFromUri = (uri: string, name: string | null) =>
  call('account_add_from_uri', { uri, name });
export const accountAddManual = (input: ManualAccount) => call('account_add_manual', { input });
export const accountUpdate = (id: string, update: AccountUpdate) =>
  call('account_update', { id, update });
/** An AccountUpdate that changes only what `change` names. */
export const accountChange = (change: Partial<AccountUpdate>): AccountUpdate => ({
  name: null,
  issuer: null,
  account: null,
  tags: null,
  favourite: null,
  note: null,
  icon: null,
  ...change,
});
export const accountMove = (id: string, position: number) => call('account_move', { id, position });
export const accountRemove = (id: string) => call('account_remove', { id });
export const accountReveal = (id: string, password: string | null = null) =>
  call('account_reveal', { id, password });

export const codeCurrent = (id: string) => call('code_current', { id });
export const hotpNext = (id: string) => call('hotp_next', { id });
export const codeCopy = (id: string) => call('code_copy', { id });
export const codePair = (id: string) => call('code_pair', { id });

// --- AWS MFA ---
function stepChannel(onStep: (s: EnrollStep) => void): Channel<EnrollStep> {
  const ch = new Channel<EnrollStep>();
  ch.onmessage = onStep;
  return ch;
}

export const awsProfiles = () => call('aws_profiles');
/** Checks the credentials and keeps the connection for the AWS commands that follow. */
export const awsWhoami = (creds: AwsCreds) => call('aws_whoami', { creds });
export const awsDisconnect = () => call('aws_disconnect');
export const awsEnrollStart = (
  user: string | null,
  deviceName: string | null,
  keepInTwofold: boolean,
  onStep: (s: EnrollStep) => void,
) =>
  call('aws_enroll_start', {
    user,
    deviceName,
    keepInTwofold,
    onStep: stepChannel(onStep),
  });
/** Enables the device: with two typed codes, or (null) codes from the seed Twofold holds. */
export const awsEnrollConfirm = (
  accountId: string,
  codes: [string, string] | null,
  onStep: (s: EnrollStep) => void,
) => call('aws_enroll_confirm', { accountId, codes, onStep: stepChannel(onStep) });
export const awsPending = () => call('aws_pending');
export const awsEnrollResume = (accountId: string, onStep: (s: EnrollStep) => void) =>
  call('aws_enroll_resume', { accountId, onStep: stepChannel(onStep) });
export const awsEnrollAbort = (accountId: string) => call('aws_enroll_abort', { accountId });
export const awsDevices = (user: string | null) => call('aws_devices', { user });
export const awsResync = (serial: string, user: string, codes: [string, string] | null) =>
  call('aws_resync', { serial, user, codes });
export const awsDeactivate = (serial: string, user: string, del: boolean) =>
  call('aws_deactivate', { serial, user, delete: del });

function channel<T>(on: (m: T) => void): Channel<T> {
  const ch = new Channel<T>();
  ch.onmessage = on;
  return ch;
}

// --- AWS CLI sessions ---
export const awsSessionOptions = (accountId: string) => call('aws_session_options', { accountId });
/** Gets MFA session credentials and writes them into the credentials file as `target`. */
export const awsSessionStart = (
  accountId: string,
  profile: string,
  durationSecs: number | null,
  target: string,
  endpointUrl: string | null,
  onProgress: (p: SessionProgress) => void,
) =>
  call('aws_session_start', {
    accountId,
    profile,
    durationSecs,
    target,
    endpointUrl,
    onProgress: channel(onProgress),
  });
export const awsSetupProfile = (profile: string) => call('aws_setup_profile', { profile });

// --- Account security: the AWS audit (admin) ---
export const awsAudit = (onProgress: (p: AuditProgress) => void) =>
  call('aws_audit', { onProgress: channel(onProgress) });
export const awsAuditExport = () => call('aws_audit_export');
export const awsOrgAudit = (role: string, concurrency: number, onProgress: (p: OrgProgressView) => void) =>
  call('aws_org_audit', { role, concurrency, onProgress: channel(onProgress) });
export const awsOrgAuditExport = () => call('aws_org_audit_export');
export const awsSignIns = (days: number, org: boolean, role: string) => call('aws_sign_ins', { days, org, role });
export const awsAssignToken = (user: string, serial: string, codes: [string, string]) =>
  call('aws_assign_token', { user, serial, codes });
export const awsEnforcePlan = (group: string) => call('aws_enforce_plan', { group });
export const awsEnforceApply = (group: string, force: boolean) =>
  call('aws_enforce_apply', { group, force });

// --- Security keys (FIDO2) ---
// PINs go to Rust only (inbound); nothing returned carries one. Key failures reject with a
// FidoIpcError: an IpcError plus `reason` (and `retries` for a wrong PIN).
import type { FidoIpcError } from '../bindings/FidoIpcError';

export const fidoDevices = () => call('fido_devices');
export const fidoInfo = (path: string | null) => call('fido_info', { path });
export const fidoPinSet = (path: string | null, newPin: string) =>
  call('fido_pin_set', { path, newPin });
export const fidoPinChange = (path: string | null, currentPin: string, newPin: string) =>
  call('fido_pin_change', { path, currentPin, newPin });
/** Registers and verifies a throw-away credential (two touches); `fidoCancel` stops it. */
export const fidoTest = (path: string | null, pin: string | null) =>
  call('fido_test', { path, pin });
export const fidoCredentials = (path: string | null, pin: string | null) =>
  call('fido_credentials', { path, pin });
export const fidoCredentialDelete = (path: string | null, pin: string | null, id: string) =>
  call('fido_credential_delete', { path, pin, id });
/** Erases the key; `confirmation` must be the word "reset". */
export const fidoReset = (path: string | null, confirmation: string) =>
  call('fido_reset', { path, confirmation });
export const fidoCancel = () => call('fido_cancel');
export const fidoWink = (path: string | null) => call('fido_wink', { path });
/** ListMFADevices for `user` (null: the caller): the security keys not in `before`. */
export const awsSecurityKeyCheck = (user: string | null, before: string[]) =>
  call('aws_security_key_check', { user, before });
/** The key failure behind a rejection, when it is one. */
export function fidoFailure(e: unknown): FidoIpcError | null {
  return typeof e === 'object' && e !== null && 'reason' in e ? (e as FidoIpcError) : null;
}

// --- Scanning QR codes, and showing an account's -------------------------------------------
import type { CameraEvent } from '../bindings/CameraEvent';
import type { ScanPick } from '../bindings/ScanPick';

export const scanCameras = () => call('scan_cameras');
/** Starts camera `index`; previews, the result and the end arrive through `onEvent`. */
export function scanCameraStart(index: number, onEvent: (e: CameraEvent) => void) {
  const ch = new Channel<CameraEvent>();
  ch.onmessage = onEvent;
  return call('scan_camera_start', { index, onEvent: ch });
}
export const scanCameraStop = () => call('scan_camera_stop');
/** Reads a QR code from an image's bytes (a dropped or opened file). */
export function scanImage(bytes: Uint8Array, name: string) {
  // Header values must be plain ASCII.
  const header = name.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  return call('scan_image', bytes, { headers: { 'twofold-file-name': header } });
}
export const scanScreen = () => call('scan_screen');
export const scanClipboard = () => call('scan_clipboard');
export const scanSave = (token: string, picks: ScanPick[]) => call('scan_save', { token, picks });
export const scanDiscard = () => call('scan_discard');
/** The account as a QR code (reveals its secret: ask first). */
export const accountQr = (id: string, password: string | null = null) => call('account_qr', { id, password });

// --- Automatic backups and restore ----------------------------------------------------------
import type { BackupSetup } from '../bindings/BackupSetup';
import type { RestoreModeView } from '../bindings/RestoreModeView';

export const backupStatus = () => call('backup_status');
/** Turns automatic backups on (derives the key from the password once) and writes the first. */
export const backupOn = (setup: BackupSetup) => call('backup_on', { setup });
export const backupOff = () => call('backup_off');
export const backupNow = () => call('backup_now');
/** Restores a backup file's bytes with its password, merged or replacing the accounts. */
export const backupRestore = (file: Uint8Array, password: string, mode: RestoreModeView) =>
  call('backup_restore', { request: { file: Array.from(file), password, mode } });
// --- Import from another app, export --------------------------------------------------------
// An import's secrets stay in Rust under the preview's id; passwords go to Rust only.
export const importFormats = () => call('import_formats');
/** Reads an export file's bytes (`from`: a format name, else detected; `password` for an
 * encrypted file). Rejects with `exportPasswordNeeded` when the file needs one. */
export function importPreview(bytes: Uint8Array, from: string | null, password: string | null) {
  const headers: Record<string, string> = {};
  if (from) headers['twofold-import-from'] = from;
  // Headers are ASCII: the password goes as base64 of its UTF-8.
  if (password !== null) headers['twofold-import-password'] = base64Utf8(password);
  return call('import_preview', bytes, { headers });
}
export const importApply = (previewId: string, indices: number[]) =>
  call('import_apply', { previewId, indices });
export const importDiscard = (previewId: string) => call('import_discard', { previewId });
export const exportOptions = () => call('export_options');
export const exportDefaultPath = (format: string) => call('export_default_path', { format });
/** Writes every account to `path`; passwords go to Rust only and never come back. */
export const exportWrite = (
  format: string,
  path: string,
  password: string | null,
  vaultPassword: string | null,
  replace: boolean,
) => call('export_write', { format, path, password, vaultPassword, replace });

/** The settings, with what this session cannot do (Wayland shortcut, typing). */
export const settingsGet = () => call('settings_get');
/** Saves and applies new settings; refused settings change nothing. */
export const settingsSet = (settings: Settings) => call('settings_set', { settings });
/** Starts Twofold at login (`twofold-app --autostart`), or stops. */
export const launchAtLoginSet = (enabled: boolean) => call('launch_at_login_set', { enabled });
/** The user did something: the idle lock starts counting again. */
export const appActivity = () => call('app_activity');
/** Enter in the lookup window: copy (or type) the account's code; hides the window. */
export const lookupChoose = (id: string) => call('lookup_choose', { id });
/** `because`: what put the window away, for the log. */
export const lookupHide = (because: 'escape' | 'blur') => call('lookup_hide', { because });
/** Shows the main window (to unlock) and hides the lookup window. */
export const lookupOpenMain = () => call('lookup_open_main');

function base64Utf8(s: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(s)) binary += String.fromCharCode(b);
  return btoa(binary);
}
export const uiLanguageSet = (language: string) => call('ui_language_set', { language });
