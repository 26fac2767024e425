// The lookup window (index.html#lookup), opened over any app by the global shortcut: a search
// box over the accounts, the highlighted one's code and seconds left. Enter copies the code (or
// types it into the window in front, as Settings says) and hides the window; Esc hides it, and
// so does clicking elsewhere. It never sees a secret: codes only, one account at a time.
import type { AccountSummary } from '../../bindings/AccountSummary';
import type { CodeView } from '../../bindings/CodeView';
import { groupCode, h } from '../../components/dom';
import {
  accountsList,
  codeCurrent,
  lookupChoose,
  lookupHide,
  lookupOpenMain,
  vaultStatus,
} from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { onLookupOpened, onVaultChanged, onWindowBlur, onWindowFocus } from '../../ipc/events';
import { matches, sortAccounts } from '../accounts/list';
import { currentSettings } from '../settings/preferences';

const nowSecs = () => Date.now() / 1000;

export function startLookup(root: HTMLElement): void {
  let accounts: AccountSummary[] = [];
  let shown: AccountSummary[] = [];
  let selected = 0;
  let locked = false;
  let code: CodeView | null = null;
  let codeFor = '';
  let skew = 0;
  let hadFocus = false;

  const search = h('input#lookup-search', {
    type: 'search',
    placeholder: 'Find an account',
    'aria-label': 'Find an account',
    'aria-controls': 'lookup-list',
    autocomplete: 'off',
    spellcheck: 'false',
  }) as HTMLInputElement;
  const list = h('ul.lookup-list#lookup-list', { role: 'listbox', 'aria-label': 'Accounts' });
  const message = h('p.lookup-message#lookup-message', { role: 'status' });
  const hint = h('div.lookup-hint', {}, '↑↓ choose · Enter copy · Esc close');
  root.replaceChildren(h('main.lookup#lookup', {}, h('h1.sr-only', {}, 'Twofold lookup'), search, message, list, hint));

  search.addEventListener('input', () => {
    selected = 0;
    render();
  });

  async function load() {
    try {
      const status = await vaultStatus();
      locked = status.state !== 'unlocked';
      accounts = locked ? [] : sortAccounts(await accountsList());
    } catch (e) {
      accounts = [];
      message.textContent = describe(e);
    }
    render();
  }

  function render() {
    list.replaceChildren();
    hint.textContent = locked ? 'Enter open Twofold · Esc close' : '↑↓ choose · Enter copy · Esc close';
    if (locked) {
      message.textContent = 'Twofold is locked. Press Enter to open it and unlock.';
      return;
    }
    shown = accounts.filter((a) => matches(a, search.value));
    selected = Math.max(0, Math.min(selected, shown.length - 1));
    message.textContent = accounts.length === 0 ? 'No accounts yet.' : shown.length === 0 ? `No accounts match “${search.value.trim()}”.` : '';
    shown.forEach((a, i) => {
      const li = h(
        'li.lookup-row',
        { role: 'option', id: `lookup-row-${i}`, 'data-id': a.id, 'aria-selected': String(i === selected) },
        h('span.lookup-name', {}, h('strong', {}, a.issuer || a.name), a.issuer && a.account ? h('span.muted', {}, ` ${a.account}`) : null),
        i === selected ? h('span.lookup-code#lookup-code', { 'data-testid': 'lookup-code' }) : null,
      );
      li.addEventListener('click', () => {
        selected = i;
        void choose();
      });
      list.append(li);
    });
    if (shown[selected]) search.setAttribute('aria-activedescendant', `lookup-row-${selected}`);
    else search.removeAttribute('aria-activedescendant');
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    void fetchCode();
  }

  async function fetchCode() {
    const a = shown[selected];
    if (!a) return;
    if (a.kind === 'hotp') {
      code = null;
      codeFor = a.id;
      paintCode();
      return;
    }
    if (codeFor === a.id && code && left() > 0) return paintCode();
    try {
      code = await codeCurrent(a.id);
      codeFor = a.id;
      skew = nowSecs() - code.now;
    } catch (e) {
      code = null;
      message.textContent = describe(e);
    }
    paintCode();
  }

  function left(): number {
    return code ? Math.max(0, Math.ceil(code.validUntil - (nowSecs() - skew))) : 0;
  }

  function paintCode() {
    const el = document.getElementById('lookup-code');
    const a = shown[selected];
    if (!el || !a) return;
    if (a.kind === 'hotp') {
      el.textContent = 'Enter takes the next code';
      return;
    }
    if (!code || codeFor !== a.id) return;
    const hidden = currentSettings()?.hideCodes ?? false;
    el.replaceChildren(
      h('span.lookup-digits', { 'data-code': hidden ? null : code.code }, hidden ? '••• •••' : groupCode(code.code)),
      h('span.lookup-left', { 'aria-label': `${left()} seconds left` }, `${left()}s`),
    );
  }

  window.setInterval(() => {
    if (codeFor && code && left() <= 0) void fetchCode();
    else paintCode();
  }, 1000);

  async function choose() {
    if (locked) {
      await lookupOpenMain().catch(() => undefined);
      return;
    }
    const a = shown[selected];
    if (!a) return;
    try {
      await lookupChoose(a.id);
    } catch (e) {
      message.textContent = describe(e);
    }
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      selected += e.key === 'ArrowDown' ? 1 : -1;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void choose();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      void lookupHide();
    }
  });

  onLookupOpened(() => {
    search.value = '';
    selected = 0;
    message.textContent = '';
    void load();
    search.focus();
  });
  onVaultChanged(() => void load());
  onWindowFocus(() => {
    hadFocus = true;
    search.focus();
  });
  // Like a launcher: clicking elsewhere puts it away (once it has had the focus at all).
  onWindowBlur(() => {
    if (hadFocus) void lookupHide();
  });

  void load();
  search.focus();
}
