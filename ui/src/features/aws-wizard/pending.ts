// The banner over the account list when an AWS MFA enrollment was interrupted (Twofold stopped
// between creating the device and enabling it): Resume or Abort.
import type { PendingEnrollment } from '../../bindings/PendingEnrollment';
import { h } from '../../components/dom';
import { awsPending } from '../../ipc/commands';
import { openAwsWizard } from './wizard';

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
    const more = pending.length > 1 ? ` (and ${pending.length - 1} more)` : '';
    el.append(
      h(
        'div.banner-text',
        {},
        h('strong', {}, 'An AWS MFA enrollment was interrupted'),
        h('span.hint', {}, `${p.userName} in ${p.awsAccount}: the device was created but not turned on${more}.`),
      ),
      h(
        'div.banner-actions',
        {},
        h('button.btn.btn-sm#aws-pending-abort', { type: 'button', 'data-id': p.accountId, onclick: () => openAwsWizard({ kind: 'abort', pending: p }, onChanged) }, 'Abort'),
        h('button.btn.btn-sm.btn-primary#aws-pending-resume', { type: 'button', 'data-id': p.accountId, onclick: () => openAwsWizard({ kind: 'resume', pending: p }, onChanged) }, 'Resume'),
      ),
    );
  }
  return { el, refresh };
}
