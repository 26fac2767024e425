// Settings: one dialog behind the top bar's gear. The vault's ways in (managed in their own
// dialog), locking and privacy, the look, the quick lookup, automatic backups, and moving
// accounts in and out.
import type { VaultStatus } from '../../bindings/VaultStatus';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { tr } from '../../i18n/i18n';
import { vaultStatus } from '../../ipc/commands';
import { openExportDialog } from '../transfer/export';
import { openImportDialog } from '../transfer/import';
import { createBackupsSection } from './backups';
import { createPreferencesSections } from './preferences-form';
import { keyringOnly } from './vault';

const t = tr('settings');
const tc = tr('common');

/** What the vault's slots come to, in a line: "System keyring, recovery key". Each way has a
 * form for the head of the list and one for further on (English capitalises the first). */
export function slotSummary(s: VaultStatus): string {
  const ways: string[] = [];
  if (s.keyringSlot) ways.push(ways.length ? t('vault.way.keyring') : t('vault.wayFirst.keyring'));
  if (s.passwordSlot) ways.push(ways.length ? t('vault.way.password') : t('vault.wayFirst.password'));
  if (s.recoverySlot) ways.push(ways.length ? t('vault.way.recovery') : t('vault.wayFirst.recovery'));
  return ways.join(', ');
}

/** Opens Settings. `openVault` opens Settings → Vault (the caller refreshes its banner then). */
export function openSettingsDialog(openVault: () => void): void {
  const backups = createBackupsSection();
  const { body, foot, close } = openDialog('settings-dialog', t('dialog.title'), () => backups.dispose());

  const vaultLine = h('p.hint#settings-vault-summary', {}, t('vault.reading'));
  const vault = h(
    'section.settings-section#settings-vault',
    {},
    h('h3', {}, t('vault.heading')),
    vaultLine,
    h(
      'div.settings-actions',
      {},
      h(
        'button.btn#vault-settings-open',
        {
          type: 'button',
          onclick: () => {
            close();
            openVault();
          },
        },
        t('vault.open'),
      ),
    ),
  );
  vaultStatus().then(
    (s) => {
      vaultLine.textContent = t('vault.opensWith', { ways: slotSummary(s) });
      if (keyringOnly(s)) {
        vaultLine.textContent += ` ${t('vault.keyringOnly')}`;
        vaultLine.classList.add('warning-text');
      }
    },
    () => (vaultLine.textContent = ''),
  );

  const transfer = h(
    'section.settings-section#settings-transfer',
    {},
    h('h3', {}, t('transfer.heading')),
    h('p.hint', {}, t('transfer.hint')),
    h(
      'div.settings-actions',
      {},
      h(
        'button.btn#settings-import',
        {
          type: 'button',
          onclick: () => {
            close();
            void openImportDialog();
          },
        },
        t('transfer.import'),
      ),
      h(
        'button.btn#export-open',
        {
          type: 'button',
          onclick: () => {
            close();
            void openExportDialog();
          },
        },
        t('transfer.export'),
      ),
    ),
  );

  body.append(vault, ...createPreferencesSections(), backups.el, transfer);
  foot.append(h('span.spacer'), h('button.btn#settings-close', { type: 'button', onclick: () => close() }, tc('action.close')));
}
