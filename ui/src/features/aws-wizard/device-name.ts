// IAM's rule for virtual MFA device names, checked before the wizard calls AWS. No DOM, no IPC.

/** IAM's rule for MFA device names. */
export const DEVICE_NAME = /^[\w+=,.@-]{1,226}$/;

/** What is wrong with `name` as an MFA device name, or null when IAM accepts it. */
export function deviceNameError(name: string): string | null {
  if (name.length === 0) return 'Enter a device name.';
  if (/\s/.test(name)) return 'No spaces: use letters, digits and _+=,.@-';
  if (!DEVICE_NAME.test(name)) return 'Use 1 to 226 letters, digits or _+=,.@- only.';
  return null;
}
