// The banner over the account list while the system keyring is the vault's only way in: a lost
// keyring would lose every account, so it asks for a recovery key or a password until one exists.
import { h } from '../../components/dom';
import { vaultStatus } from '../../ipc/commands';
import { keyringOnly } from '../settings/vault';

export interface KeyringOnlyBanner {
  el: HTMLElement;
  refresh(): Promise<void>;
}

export function createKeyringOnlyBanner(openSettings: () => void): KeyringOnlyBanner {
  const el = h(
    'div.banner#keyring-only-banner',
    { role: 'status', hidden: true },
    h(
      'div.banner-text',
      {},
      h('strong', {}, 'Only the system keyring opens this vault'),
      h('span.hint', {}, 'If the keyring is lost or you move to a new computer, your accounts are lost with it.'),
    ),
    h(
      'div.banner-actions',
      {},
      h('button.btn.btn-sm.btn-primary#keyring-only-fix', { type: 'button', onclick: () => openSettings() }, 'Add a recovery key'),
    ),
  );
  async function refresh() {
    try {
      el.hidden = !keyringOnly(await vaultStatus());
    } catch {
      el.hidden = true;
    }
  }
  return { el, refresh };
}
