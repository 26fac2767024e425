// The banner over the account list while the system keyring is the vault's only way in: a lost
// keyring would lose every account, so it asks for a recovery key or a password until one exists.
import { h } from '../../components/dom';
import { vaultStatus } from '../../ipc/commands';
import { keyringOnly } from '../settings/vault';
import { tr } from '../../i18n/i18n';

const t = tr('vault');

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
      h('strong', {}, t('banner.title')),
      h('span.hint', {}, t('banner.text')),
    ),
    h(
      'div.banner-actions',
      {},
      h('button.btn.btn-sm.btn-primary#keyring-only-fix', { type: 'button', onclick: () => openSettings() }, t('banner.fix')),
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
