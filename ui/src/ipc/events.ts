// Event subscriptions. Each returns a synchronous unsubscribe function.
import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type { VaultChanged } from '../bindings/VaultChanged';

export const VAULT_CHANGED = 'vault://changed';

function toSyncUnsubscribe(p: Promise<() => void>): () => void {
  let unlisten: (() => void) | null = null;
  let cancelled = false;
  p.then((f) => {
    if (cancelled) f();
    else unlisten = f;
  }).catch(() => {});
  return () => {
    cancelled = true;
    unlisten?.();
  };
}

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
