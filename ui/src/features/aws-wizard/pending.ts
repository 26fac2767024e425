// The banner over the account list when an AWS MFA enrollment was interrupted (Twofold stopped
// between creating the device and enabling it): Resume or Abort.
import type { PendingEnrollment } from '../../bindings/PendingEnrollment';
import { h } from '../../components/dom';
import { awsPending } from '../../ipc/commands';
import { tr } from '../../i18n/i18n';
import { openAwsWizard } from './wizard';

const t = tr('wizard');

export interface PendingBanner {
  el: HTMLElement;
  refresh(): Promise<void>;
}

export function createPendingBanner(onChanged: () => void): PendingBanner {
  const el = h('div.banner#aws-pending-banner', { role: 'status', hidden: true });
  async function refresh() {
    let pending: PendingEnrollment[] = [];
    try {
      pending = await awsPending();
    } catch {
      // The vault is locked or unreadable: the list reports that itself.
    }
    // While the wizard is open, its own run would show up here as "interrupted".
    if (document.getElementById('aws-wizard')) pending = [];
    el.hidden = pending.length === 0;
    el.replaceChildren();
    const p = pending[0];
    if (!p) return;
    const detail =
      pending.length > 1
        ? t('pending.detailMore', { user: p.userName, account: p.awsAccount, count: pending.length - 1 })
        : t('pending.detail', { user: p.userName, account: p.awsAccount });
    el.append(
      h(
        'div.banner-text',
        {},
        h('strong', {}, t('pending.title')),
        h('span.hint', {}, detail),
      ),
      h(
        'div.banner-actions',
        {},
        h('button.btn.btn-sm#aws-pending-abort', { type: 'button', 'data-id': p.accountId, onclick: () => openAwsWizard({ kind: 'abort', pending: p }, onChanged) }, t('action.abort')),
        h('button.btn.btn-sm.btn-primary#aws-pending-resume', { type: 'button', 'data-id': p.accountId, onclick: () => openAwsWizard({ kind: 'resume', pending: p }, onChanged) }, t('action.resume')),
      ),
    );
  }
  return { el, refresh };
}
