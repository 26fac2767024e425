// Settings: one dialog behind the top bar's gear. The vault's ways in (managed in their own
// dialog), locking and privacy, the look, the quick lookup, automatic backups, and moving
// accounts in and out.
import type { VaultStatus } from '../../bindings/VaultStatus';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { vaultStatus } from '../../ipc/commands';
import { openExportDialog } from '../transfer/export';
import { openImportDialog } from '../transfer/import';
import { createBackupsSection } from './backups';
import { createPreferencesSections } from './preferences-form';
import { keyringOnly } from './vault';

/** What the vault's slots come to, in a line: "System keyring, recovery key". */
export function slotSummary(s: VaultStatus): string {
  const ways = [
    s.keyringSlot ? 'system keyring' : null,
    s.passwordSlot ? 'password' : null,
    s.recoverySlot ? 'recovery key' : null,
  ].filter((w): w is string => w !== null);
  const line = ways.join(', ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

/** Opens Settings. `openVault` opens Settings → Vault (the caller refreshes its banner then). */
export function openSettingsDialog(openVault: () => void): void {
  const backups = createBackupsSection();
  const { body, foot, close } = openDialog('settings-dialog', 'Settings', () => backups.dispose());

  const vaultLine = h('p.hint#settings-vault-summary', {}, 'Reading the vault…');
  const vault = h(
    'section.settings-section#settings-vault',
    {},
    h('h3', {}, 'Vault'),
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
        'Password and recovery key…',
      ),
    ),
  );
  vaultStatus().then(
    (s) => {
      vaultLine.textContent = `Opens with: ${slotSummary(s)}.`;
      if (keyringOnly(s)) {
        vaultLine.textContent += ' Add a recovery key or a password: if the keyring is lost, so are your accounts.';
        vaultLine.classList.add('warning-text');
      }
    },
    () => (vaultLine.textContent = ''),
  );

  const transfer = h(
    'section.settings-section#settings-transfer',
    {},
    h('h3', {}, 'Move in and out'),
    h('p.hint', {}, 'Bring accounts from another authenticator, or write them all to a file.'),
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
        'Import from another app…',
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
        'Export…',
      ),
    ),
  );

  body.append(vault, ...createPreferencesSections(), backups.el, transfer);
  foot.append(h('span.spacer'), h('button.btn#settings-close', { type: 'button', onclick: () => close() }, 'Close'));
}
