// Event subscriptions. Each returns a synchronous unsubscribe function.
import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
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
