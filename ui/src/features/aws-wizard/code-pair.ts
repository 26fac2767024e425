// "Two consecutive codes": the current and the next code of a TOTP account, labelled the way
// the AWS console asks for them ("MFA code 1", "MFA code 2"), with the time left.
import type { AccountSummary } from '../../bindings/AccountSummary';
import type { CodePair } from '../../bindings/CodePair';
import { openDialog } from '../../components/dialog';
import { groupCode, h } from '../../components/dom';
import { codePair } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { tr } from '../../i18n/i18n';

const t = tr('wizard');
const tc = tr('common');

export function openCodePairDialog(account: AccountSummary): void {
  let timer = 0;
  const { body, foot, close } = openDialog('code-pair-dialog', t('codePair.title'), () =>
    window.clearInterval(timer),
  );
  const code1 = h('div.pair-code#pair-code1', {}, '••• •••');
  const code2 = h('div.pair-code#pair-code2', {}, '••• •••');
  const left = h('p.hint#pair-left', {});
  const err = h('div.form-error#pair-error', { role: 'alert', hidden: true });
  body.append(
    h('p.muted', {}, `${account.issuer || account.name}${account.account ? ` — ${account.account}` : ''}`),
    h(
      'div.pair',
      {},
      h('div.pair-item', {}, h('div.label', {}, t('codePair.code1')), code1),
      h('div.pair-item', {}, h('div.label', {}, t('codePair.code2')), code2),
    ),
    left,
    h('p.hint', {}, t('codePair.hint')),
    err,
  );
  foot.append(h('button.btn.btn-primary#pair-close', { type: 'button', onclick: () => close() }, tc('action.close')));

  let pair: CodePair | null = null;
  let fetchedAt = 0;
  const paint = () => {
    if (!pair) return;
    const remaining = Math.max(0, pair.secondsLeft - Math.floor((Date.now() - fetchedAt) / 1000));
    left.textContent = t('codePair.left', { count: remaining });
    left.classList.toggle('warning', remaining <= 5);
    if (remaining === 0) void load();
  };
  let loading = false;
  const load = async () => {
    if (loading) return;
    loading = true;
    try {
      pair = await codePair(account.id);
      fetchedAt = Date.now();
      code1.textContent = groupCode(pair.code1);
      code1.dataset.code = pair.code1;
      code2.textContent = groupCode(pair.code2);
      code2.dataset.code = pair.code2;
      err.hidden = true;
      paint();
    } catch (e) {
      err.textContent = describe(e);
      err.hidden = false;
    } finally {
      loading = false;
    }
  };
  timer = window.setInterval(paint, 1000);
  void load();
}
