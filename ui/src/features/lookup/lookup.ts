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
import { tr } from '../../i18n/i18n';
import { onLookupOpened, onVaultChanged, onWindowBlur, onWindowFocus } from '../../ipc/events';
import { matches, sortAccounts } from '../accounts/list';
import { currentSettings } from '../settings/preferences';

const t = tr('lookup');
const tc = tr('common');

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
    placeholder: t('search'),
    'aria-label': t('search'),
    'aria-controls': 'lookup-list',
    autocomplete: 'off',
    spellcheck: 'false',
  }) as HTMLInputElement;
  const list = h('ul.lookup-list#lookup-list', { role: 'listbox', 'aria-label': t('accounts') });
  const message = h('p.lookup-message#lookup-message', { role: 'status' });
  const hint = h('div.lookup-hint', {}, t('hint.choose'));
  root.replaceChildren(h('main.lookup#lookup', {}, h('h1.sr-only', {}, t('title')), search, message, list, hint));

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
    hint.textContent = locked ? t('hint.locked') : t('hint.choose');
    if (locked) {
      message.textContent = t('locked');
      return;
    }
    shown = accounts.filter((a) => matches(a, search.value));
    selected = Math.max(0, Math.min(selected, shown.length - 1));
    message.textContent =
      accounts.length === 0 ? t('empty') : shown.length === 0 ? t('noMatch', { query: search.value.trim() }) : '';
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
      el.textContent = t('hotpNext');
      return;
    }
    if (!code || codeFor !== a.id) return;
    const hidden = currentSettings()?.hideCodes ?? false;
    el.replaceChildren(
      h('span.lookup-digits', { 'data-code': hidden ? null : code.code }, hidden ? '••• •••' : groupCode(code.code)),
      h('span.lookup-left', { 'aria-label': tc('countdown.left', { count: left() }) }, t('secondsShort', { seconds: left() })),
    );
  }

  // Once a second while the window shows: the seconds left, and a new code at the boundary. A
  // hidden window runs no timer (and fetches no code); showing it starts one again.
  let timer: number | undefined;
  function startTimer() {
    if (timer !== undefined) return;
    timer = window.setInterval(() => {
      if (codeFor && code && left() <= 0) void fetchCode();
      else paintCode();
    }, 1000);
  }
  function stopTimer() {
    window.clearInterval(timer);
    timer = undefined;
  }
  /** Puts the window away (Esc, a click elsewhere). */
  function hide(because: 'escape' | 'blur') {
    stopTimer();
    void lookupHide(because);
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') stopTimer();
    else startTimer();
  });

  async function choose() {
    if (locked) {
      // Opening the main window hides this one.
      stopTimer();
      await lookupOpenMain().catch(() => startTimer());
      return;
    }
    const a = shown[selected];
    if (!a) return;
    try {
      // Choosing hides the window.
      stopTimer();
      await lookupChoose(a.id);
    } catch (e) {
      startTimer();
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
      hide('escape');
    }
  });

  onLookupOpened(() => {
    search.value = '';
    selected = 0;
    message.textContent = '';
    startTimer();
    void load();
    search.focus();
  });
  onVaultChanged(() => void load());
  onWindowFocus(() => {
    hadFocus = true;
    startTimer();
    search.focus();
  });
  // Like a launcher: clicking elsewhere puts it away (once it has had the focus at all).
  onWindowBlur(() => {
    if (hadFocus) hide('blur');
  });

  if (document.visibilityState !== 'hidden') startTimer();
  void load();
  search.focus();
}
