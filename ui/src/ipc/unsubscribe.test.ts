import { describe, expect, it, vi } from 'vitest';
import { toSyncUnsubscribe } from './unsubscribe';

/** A registration that resolves when the test says so. */
function pending() {
  let resolve!: (f: () => void) => void;
  const p = new Promise<() => void>((r) => {
    resolve = r;
  });
  return { p, resolve };
}

// Lets the registration's `then` run.
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('toSyncUnsubscribe', () => {
  it('unlistens when called after the registration resolved', async () => {
    const unlisten = vi.fn();
    const stop = toSyncUnsubscribe(Promise.resolve(unlisten));
    await settle();
    expect(unlisten).not.toHaveBeenCalled();
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it('unlistens as soon as the registration resolves when called before', async () => {
    const unlisten = vi.fn();
    const reg = pending();
    const stop = toSyncUnsubscribe(reg.p);
    stop();
    expect(unlisten).not.toHaveBeenCalled();
    reg.resolve(unlisten);
    await settle();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it('unlistens only once however often it is called', async () => {
    const unlisten = vi.fn();
    const stop = toSyncUnsubscribe(Promise.resolve(unlisten));
    await settle();
    stop();
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it('swallows a failed registration', async () => {
    const stop = toSyncUnsubscribe(Promise.reject(new Error('no window')));
    await settle();
    expect(() => stop()).not.toThrow();
  });
});
