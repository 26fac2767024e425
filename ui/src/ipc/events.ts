// Event subscriptions. Each returns a synchronous unsubscribe function.
import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type { BackupWritten } from '../bindings/BackupWritten';
import type { Settings } from '../bindings/Settings';
import type { VaultChanged } from '../bindings/VaultChanged';
import { toSyncUnsubscribe } from './unsubscribe';

export const VAULT_CHANGED = 'vault://changed';

export function onVaultChanged(handler: (payload: VaultChanged) => void): () => void {
  return toSyncUnsubscribe(listen<VaultChanged>(VAULT_CHANGED, (e) => handler(e.payload)));
}

/** Called when the window gains focus (e.g. after the CLI changed the vault). */
export function onWindowFocus(handler: () => void): () => void {
  return toSyncUnsubscribe(
    getCurrentWindow().onFocusChanged(({ payload: focused }) => {
      if (focused) handler();
    }),
  );
}

export const BACKUP_WRITTEN = 'backup://written';

/** An automatic backup was written, or failed (`error`). */
export function onBackupWritten(handler: (payload: BackupWritten) => void): () => void {
  return toSyncUnsubscribe(listen<BackupWritten>(BACKUP_WRITTEN, (e) => handler(e.payload)));
}

export const SETTINGS_CHANGED = 'settings://changed';

/** The settings changed (in any window). */
export function onSettingsChanged(handler: (settings: Settings) => void): () => void {
  return toSyncUnsubscribe(listen<Settings>(SETTINGS_CHANGED, (e) => handler(e.payload)));
}

export const SHORTCUT_STANDING = 'shortcut://standing';

/** What the desktop says about the lookup shortcut changed on its own (Wayland: the portal
 * answered, or the user gave it other keys): read the settings view again. */
export function onShortcutStanding(handler: () => void): () => void {
  return toSyncUnsubscribe(listen(SHORTCUT_STANDING, () => handler()));
}

export const LOOKUP_OPENED = 'lookup://opened';

/** The lookup window was shown again (by the shortcut, the tray or `--lookup`). */
export function onLookupOpened(handler: () => void): () => void {
  return toSyncUnsubscribe(listen(LOOKUP_OPENED, () => handler()));
}

/** Called when the window loses focus. */
export function onWindowBlur(handler: () => void): () => void {
  return toSyncUnsubscribe(
    getCurrentWindow().onFocusChanged(({ payload: focused }) => {
      if (!focused) handler();
    }),
  );
}
