// Tauri's `listen` resolves to its unlisten function later; the UI wants to unsubscribe now.
// Kept apart from events.ts (which imports @tauri-apps) so the unit tests import only this.

/** A synchronous unsubscribe for a listener that is still being registered: called before the
 * registration resolves, it unlistens as soon as it does. Calling it twice unlistens once. */
export function toSyncUnsubscribe(p: Promise<() => void>): () => void {
  let unlisten: (() => void) | null = null;
  let cancelled = false;
  p.then((f) => {
    if (cancelled) f();
    else unlisten = f;
  }).catch(() => {});
  return () => {
    cancelled = true;
    const f = unlisten;
    unlisten = null;
    f?.();
  };
}
