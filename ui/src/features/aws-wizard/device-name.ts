// IAM's rule for virtual MFA device names, checked before the wizard calls AWS. No DOM, no IPC.
import { tr } from '../../i18n/i18n';

const t = tr('wizard');

/** IAM's rule for MFA device names. */
export const DEVICE_NAME = /^[\w+=,.@-]{1,226}$/;

/** What is wrong with `name` as an MFA device name, or null when IAM accepts it. */
export function deviceNameError(name: string): string | null {
  if (name.length === 0) return t('device.nameEmpty');
  if (/\s/.test(name)) return t('device.nameSpaces');
  if (!DEVICE_NAME.test(name)) return t('device.nameRule');
  return null;
}
