// The account list: search, codes with countdowns, copy, keyboard navigation.
import type { AccountSummary } from '../../bindings/AccountSummary';
import type { CodeView } from '../../bindings/CodeView';
import { confirmDialog, isDialogOpen } from '../../components/dialog';
import { countdown, type Countdown } from '../../components/countdown';
import { groupCode, h, icon, ICONS } from '../../components/dom';
import { showToast } from '../../components/toast';
import {
  accountChange,
  accountMove,
  accountRemove,
  accountsList,
  accountUpdate,
  settingsSet,
  codeCopy,
  codeCurrent,
  hotpNext,
  vaultLock,
  vaultStatus,
} from '../../ipc/commands';
import { describe, isIpcError } from '../../ipc/errors';
import { openCodePairDialog } from '../aws-wizard/code-pair';
import { createPendingBanner } from '../aws-wizard/pending';
import { openSessionDialog } from '../aws-sessions/session';
import { openAwsWizard } from '../aws-wizard/wizard';
import { openAwsAuditView } from '../aws-audit/view';
import { openSecurityKeysView } from '../security-keys/view';
import { openAddDialog } from './add';
import { iconFor, loadIcons, renderIcon } from '../icons';
import { allTags, avatarColor, matches, movePosition, sortAccounts } from './list';
import { openEditDialog } from './edit';
import { openScanDialog, type ScanStart } from '../scan/scan';
import { openAboutDialog } from '../about/about';
import { openSettingsDialog } from '../settings/settings';
import { currentSettings, watchSettings } from '../settings/preferences';
import { openVaultSettings } from '../settings/vault';
import { openImportDialog } from '../transfer/import';
import { isImageFile } from '../transfer/selection';
import { createKeyringOnlyBanner } from '../vault/banner';
import { tr } from '../../i18n/i18n';

const t = tr('accounts');
const tc = tr('common');

interface Row {
  account: AccountSummary;
  el: HTMLLIElement;
  codeEl: HTMLDivElement;
  nextEl: HTMLDivElement;
  ring: Countdown | null;
  code: CodeView | null;
  /** Local clock minus the clock Rust used (vault offset included), in seconds. */
  skew: number;
  fetching: boolean;
  /** Shown although Settings hides codes: clicked, until the code changes. */
  revealed: boolean;
}

export interface AccountsView {
  el: HTMLElement;
  onKey(e: KeyboardEvent): void;
  refresh(): Promise<void>;
  dispose(): void;
}

const nowSecs = () => Date.now() / 1000;

export function createAccountsView(onLocked: () => void): AccountsView {
  let accounts: AccountSummary[] = [];
  let rows: Row[] = [];
  let selected = -1;
  let query = '';
  let tagFilter: string | null = null;
  // The ids in the vault's own order: what dragging rearranges.
  let vaultOrder: string[] = [];
  const hidingCodes = () => currentSettings()?.hideCodes ?? false;

  const search = h('input#search', {
    type: 'search',
    placeholder: t('search'),
    'aria-label': t('search'),
    autocomplete: 'off',
    spellcheck: 'false',
  });
  search.addEventListener('input', () => {
    query = search.value;
    selected = -1;
    render();
  });

  const addBtn = h(
    'button.btn.btn-primary#add-account',
    { type: 'button', title: t('toolbar.addTitle'), onclick: () => add() },
    icon(ICONS.plus),
    t('toolbar.add'),
  );
  const awsBtn = h(
    'button.btn#aws-setup',
    { type: 'button', title: t('toolbar.aws'), 'aria-label': t('toolbar.aws'), onclick: () => openAwsWizard({ kind: 'enroll' }, () => void refresh()) },
    'AWS',
  );
  const auditBtn = h(
    'button.btn.btn-ghost.icon-btn#security',
    { type: 'button', title: t('toolbar.auditTitle'), 'aria-label': t('toolbar.audit'), onclick: () => openAwsAuditView() },
    icon(ICONS.shield),
  );
  const keysBtn = h(
    'button.btn.btn-ghost.icon-btn#security-keys-open',
    { type: 'button', title: t('toolbar.keysTitle'), 'aria-label': t('toolbar.keys'), onclick: () => openSecurityKeysView() },
    icon(ICONS.key),
  );
  const scanBtn = h(
    'button.btn.btn-ghost.icon-btn#scan-qr',
    { type: 'button', title: t('toolbar.scanTitle'), 'aria-label': t('toolbar.scan'), onclick: () => scan() },
    icon(ICONS.qr),
  );
  const lockBtn = h(
    'button.btn.btn-ghost.icon-btn#lock-vault',
    { type: 'button', title: t('toolbar.lock'), 'aria-label': t('toolbar.lock'), onclick: () => lock() },
    icon(ICONS.lock),
  );
  const settingsBtn = h(
    'button.btn.btn-ghost.icon-btn#settings-open',
    {
      type: 'button',
      title: t('toolbar.settingsTitle'),
      'aria-label': t('toolbar.settings'),
      onclick: () => openSettingsDialog(openSettings),
    },
    icon(ICONS.gear),
  );
  const aboutBtn = h(
    'button.btn.btn-ghost.icon-btn#about-open',
    { type: 'button', title: t('toolbar.about'), 'aria-label': t('toolbar.about'), onclick: () => openAboutDialog() },
    icon(ICONS.info),
  );
  const topbar = h(
    'header.topbar',
    {},
    h('h1.brand', {}, h('img', { src: 'logo.png', alt: '' }), 'Twofold'),
    h('div.search', {}, icon(ICONS.search), search, h('span.kbd', {}, '/')),
    awsBtn,
    auditBtn,
    keysBtn,
    scanBtn,
    addBtn,
    lockBtn,
    settingsBtn,
    aboutBtn,
  );
  const banner = createPendingBanner(() => void refresh());
  const keysBanner = createKeyringOnlyBanner(() => openSettings());
  function openSettings() {
    void openVaultSettings(() => void keysBanner.refresh());
  }
  const list = h('ul.list#account-list', { 'aria-label': t('list') });
  const sortSelect = h(
    'select#account-sort',
    { 'aria-label': t('sort.label') },
    h('option', { value: 'issuer' }, t('sort.issuer')),
    h('option', { value: 'name' }, t('sort.name')),
    h('option', { value: 'mostUsed' }, t('sort.mostUsed')),
    h('option', { value: 'manual' }, t('sort.manual')),
  ) as HTMLSelectElement;
  sortSelect.addEventListener('change', () => {
    const s = currentSettings();
    if (!s) return;
    settingsSet({ ...s, sort: sortSelect.value as typeof s.sort }).catch((e) => showToast(describe(e), 'error'));
  });
  const tagBar = h('div.tag-filter#tag-filter', { role: 'group', 'aria-label': t('tags') });
  const toolbar = h('div.list-toolbar', {}, tagBar, sortSelect);
  const content = h('main.content', {}, list);
  const el = h('section.accounts-view', { style: 'display:flex;flex-direction:column;height:100%' }, topbar, keysBanner.el, banner.el, toolbar, content);

  async function scan(start?: ScanStart) {
    const added = await openScanDialog(start);
    if (added.length) await refresh();
  }
  async function importFile(file?: File) {
    if (await openImportDialog(file)) await refresh();
  }
  // A file dropped anywhere on the list: an image is scanned for a QR code, anything else is
  // read as another app's export.
  el.addEventListener('dragover', (e) => {
    if (!isDialogOpen() && e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  el.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files[0];
    if (isDialogOpen() || !file) return;
    e.preventDefault();
    if (isImageFile(file)) void scan({ kind: 'file', file });
    else void importFile(file);
  });

  async function add() {
    const created = await openAddDialog(() => void importFile());
    if (created) {
      await refresh();
      query = '';
      search.value = '';
      render();
      select(rows.findIndex((r) => r.account.id === created.id));
    }
  }

  async function lock() {
    try {
      await vaultLock();
      onLocked();
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  async function refresh() {
    void banner.refresh();
    void keysBanner.refresh();
    try {
      const listed = await accountsList();
      vaultOrder = listed.map((a) => a.id);
      accounts = sortAccounts(listed, currentSettings()?.sort);
    } catch (e) {
      // The vault may have been closed under us (its password changed in another Twofold, or
      // an old copy replaced it): the unlock screen says why.
      if (isIpcError(e) && e.kind === 'vaultLocked') {
        const s = await vaultStatus().catch(() => null);
        if (s && s.state !== 'unlocked') return onLocked();
      }
      showToast(describe(e), 'error');
      return;
    }
    render();
  }

  function render() {
    const prevId = rows[selected]?.account.id;
    const oldCodes = new Map(rows.map((r) => [r.account.id, r]));
    list.replaceChildren();
    rows = [];
    if (accounts.length === 0) {
      content.replaceChildren(emptyState());
      return;
    }
    content.replaceChildren(
      list,
      h('div.footer-hint', {}, hidingCodes() ? t('hint.keysHidden') : t('hint.keys')),
    );
    paintToolbar();
    const shown = accounts.filter((a) => matches(a, query) && (tagFilter === null || a.tags.includes(tagFilter)));
    if (shown.length === 0) {
      list.append(
        h('li.empty#no-results', {}, h('p', {}, t('noMatch', { query: query.trim() }))),
      );
      return;
    }
    for (const account of shown) {
      const old = oldCodes.get(account.id);
      const row = makeRow(account, old);
      rows.push(row);
      list.append(row.el);
    }
    const keep = rows.findIndex((r) => r.account.id === prevId);
    selected = keep >= 0 ? keep : query ? 0 : -1;
    paintSelection();
    tick();
  }

  // The tags as toggle chips (shown when any account has one) and the order in force.
  function paintToolbar() {
    const tags = allTags(accounts);
    if (tagFilter !== null && !tags.includes(tagFilter)) tagFilter = null;
    tagBar.replaceChildren(
      ...tags.map((t) =>
        h(
          'button.chip.tag-chip',
          {
            type: 'button',
            'data-tag': t,
            'aria-pressed': String(tagFilter === t),
            onclick: () => {
              tagFilter = tagFilter === t ? null : t;
              selected = -1;
              render();
            },
          },
          t,
        ),
      ),
    );
    toolbar.hidden = accounts.length === 0;
    sortSelect.value = currentSettings()?.sort ?? 'issuer';
  }

  function emptyState(): HTMLElement {
    return h(
      'div.empty#empty-state',
      {},
      h('img', { src: 'logo.png', alt: '' }),
      h('h2', {}, t('empty.title')),
      h(
        'p',
        {},
        t('empty.text'),
      ),
      h(
        'div.actions',
        {},
        h(
          'button.btn.btn-primary#empty-add',
          { type: 'button', onclick: () => add() },
          icon(ICONS.plus),
          t('empty.add'),
        ),
        h(
          'button.btn#empty-import',
          { type: 'button', onclick: () => void importFile() },
          icon(ICONS.upload),
          t('empty.import'),
        ),
      ),
    );
  }

  function makeRow(account: AccountSummary, old: Row | undefined): Row {
    const title = account.issuer || account.name;
    const subtitle = account.issuer ? account.account || account.name : account.account;
    const isHotp = account.kind === 'hotp';
    const codeEl = h('div.account-code', { 'data-testid': 'account-code' }, '••• •••');
    const nextEl = h('div.next-code', { 'data-testid': 'next-code' });
    const ring = isHotp ? null : countdown();
    const copyBtn = h(
      'button.btn.btn-ghost.icon-btn.copy-code',
      {
        type: 'button',
        title: t('row.copy'),
        'aria-label': t('row.copyLabel', { name: account.name }),
        onclick: (e: Event) => {
          e.stopPropagation();
          void copy(row);
        },
      },
      icon(ICONS.copy),
    );
    const editBtn = h(
      'button.btn.btn-ghost.icon-btn.edit-account',
      {
        type: 'button',
        title: tc('action.edit'),
        'aria-label': t('row.editLabel', { name: account.name }),
        onclick: (e: Event) => {
          e.stopPropagation();
          void edit(row);
        },
      },
      icon(ICONS.edit),
    );
    const pairBtn =
      account.kind === 'totp'
        ? h(
            'button.btn.btn-ghost.icon-btn.pair-codes',
            {
              type: 'button',
              title: t('row.pair'),
              'aria-label': t('row.pairLabel', { name: account.name }),
              'data-testid': 'pair-codes',
              onclick: (e: Event) => {
                e.stopPropagation();
                openCodePairDialog(account);
              },
            },
            icon(ICONS.pair),
          )
        : null;
    const starBtn = h(
      'button.btn.btn-ghost.icon-btn.favourite-toggle',
      {
        type: 'button',
        title: account.favourite ? t('row.unfavourite') : t('row.favourite'),
        'aria-label': account.favourite
          ? t('row.unfavouriteLabel', { name: account.name })
          : t('row.favouriteLabel', { name: account.name }),
        'aria-pressed': String(account.favourite),
        onclick: (e: Event) => {
          e.stopPropagation();
          void toggleFavourite(account);
        },
      },
      icon(ICONS.star),
    );
    const sessionBtn =
      account.aws?.active === true
        ? h(
            'button.btn.btn-ghost.icon-btn.cli-session',
            {
              type: 'button',
              title: t('row.session'),
              'aria-label': t('row.sessionLabel', { name: account.name }),
              onclick: (e: Event) => {
                e.stopPropagation();
                openSessionDialog(account);
              },
            },
            icon(ICONS.terminal),
          )
        : null;
    const hotpBtn = isHotp
      ? h(
          'button.btn.btn-ghost.icon-btn.hotp-next',
          {
            type: 'button',
            title: t('row.hotpNext'),
            'aria-label': t('row.hotpNextLabel', { name: account.name }),
            onclick: (e: Event) => {
              e.stopPropagation();
              void nextHotp(row);
            },
          },
          icon(ICONS.refresh),
        )
      : null;
    const dragHandle = arranging()
      ? h(
          'button.btn.btn-ghost.icon-btn.drag-handle',
          {
            type: 'button',
            title: t('row.move'),
            'aria-label': t('row.moveLabel', { name: account.name }),
            onclick: (e: Event) => e.stopPropagation(),
          },
          '⋮⋮',
        )
      : null;
    const li = h(
      'li.account-row',
      {
        tabindex: '-1',
        'data-id': account.id,
        'data-name': account.name,
        'data-issuer': account.issuer,
        'data-kind': account.kind,
        title: t('row.clickToCopy'),
      },
      dragHandle,
      avatarOf(account, title),
      h(
        'div.account-meta',
        {},
        h('div.account-issuer', {}, title),
        h('div.account-name', {}, subtitle),
        account.note ? h('div.account-note', { title: account.note }, account.note) : null,
      ),
      h('div.code-box', {}, codeEl, nextEl),
      ring ? ring.el : hotpBtn,
      h('div.row-actions', {}, sessionBtn, copyBtn, pairBtn, starBtn, editBtn),
    );
    const row: Row = {
      account,
      el: li,
      codeEl,
      nextEl,
      ring,
      code: old?.account.kind === account.kind ? old.code : null,
      skew: old?.skew ?? 0,
      fetching: false,
      revealed: old?.revealed ?? false,
    };
    // With codes hidden, a click on the dots shows the code instead of copying it.
    codeEl.addEventListener('click', (e) => {
      if (!hidingCodes() || row.revealed || !row.code) return;
      e.stopPropagation();
      select(rows.indexOf(row));
      reveal(row);
    });
    li.addEventListener('click', () => {
      select(rows.indexOf(row));
      void copy(row);
    });
    dragHandle?.addEventListener('pointerdown', (e) => startDrag(row, e));
    dragHandle?.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
      e.preventDefault();
      e.stopPropagation();
      select(rows.indexOf(row));
      void moveBy(row, e.key === 'ArrowUp' ? -1 : 1, true);
    });
    if (row.code) paintCode(row);
    else if (isHotp) paintHotpIdle(row);
    else void fetchCode(row);
    return row;
  }

  /** The issuer's icon when one matches (or was chosen), else the letter avatar. */
  function avatarOf(account: AccountSummary, title: string): Element {
    const info = iconFor(account.icon, account.issuer);
    if (info) return renderIcon(info, 40);
    return h('div.avatar', { style: `background:${avatarColor(title)}`, 'aria-hidden': 'true' }, (title[0] ?? '?').toUpperCase());
  }

  /** Rows can be dragged: the user's own order, with every account shown. */
  function arranging(): boolean {
    return currentSettings()?.sort === 'manual' && query.trim() === '' && tagFilter === null;
  }

  /** Moves `row` to just before `before` (null: last) in the vault's order. */
  async function moveTo(row: Row, before: string | null, focusHandle = false) {
    const id = row.account.id;
    const position = movePosition(vaultOrder, id, before);
    if (vaultOrder.indexOf(id) === position) return;
    try {
      await accountMove(id, position);
      await refresh();
      const i = rows.findIndex((r) => r.account.id === id);
      select(i);
      if (focusHandle) rows[i]?.el.querySelector<HTMLElement>('.drag-handle')?.focus();
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  /** One place up (-1) or down (1) among the rows shown (Alt+↑/↓, or ↑/↓ on the handle). */
  async function moveBy(row: Row, step: -1 | 1, focusHandle = false) {
    if (!arranging()) {
      showToast(t('move.onlyYourOrder'), 'info');
      return;
    }
    const i = rows.indexOf(row);
    const j = i + step;
    if (i < 0 || j < 0 || j >= rows.length) return;
    // Up: before the row above. Down: before the row after the one below (or last).
    const before = step < 0 ? rows[j].account.id : (rows[j + 1]?.account.id ?? null);
    await moveTo(row, before, focusHandle);
  }

  /** Dragging by the handle: the row follows the pointer; dropped, it moves in the vault. */
  function startDrag(row: Row, down: PointerEvent) {
    if (down.button !== 0) return;
    down.preventDefault();
    const handle = down.currentTarget as HTMLElement;
    handle.setPointerCapture(down.pointerId);
    row.el.classList.add('dragging');
    let before: string | null | undefined;
    const mark = (y: number) => {
      const target = rows.find((r) => r !== row && y < r.el.getBoundingClientRect().top + r.el.offsetHeight / 2);
      before = target ? target.account.id : null;
      for (const r of rows) r.el.classList.toggle('drop-before', r === target);
      list.classList.toggle('drop-at-end', !target);
    };
    const move = (e: PointerEvent) => mark(e.clientY);
    const end = (e: PointerEvent) => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
      row.el.classList.remove('dragging');
      for (const r of rows) r.el.classList.remove('drop-before');
      list.classList.remove('drop-at-end');
      if (e.type === 'pointerup' && before !== undefined) void moveTo(row, before);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  }

  async function fetchCode(row: Row) {
    if (row.fetching) return;
    row.fetching = true;
    try {
      const code = await codeCurrent(row.account.id);
      // A new period hides a revealed code again.
      if (row.code && row.code.code !== code.code) row.revealed = false;
      row.code = code;
      row.skew = nowSecs() - code.now;
      paintCode(row);
    } catch (e) {
      row.codeEl.textContent = t('row.error');
      row.codeEl.title = describe(e);
    } finally {
      row.fetching = false;
    }
  }

  function remaining(row: Row): number {
    if (!row.code || row.code.validUntil === 0) return 0;
    return row.code.validUntil - (nowSecs() - row.skew);
  }

  function reveal(row: Row) {
    row.revealed = true;
    paintCode(row);
  }

  function paintCode(row: Row) {
    const c = row.code;
    if (!c) return;
    const hide = hidingCodes() && !row.revealed;
    row.codeEl.textContent = hide ? '••• •••' : groupCode(c.code);
    row.codeEl.classList.toggle('hidden-code', hide);
    row.codeEl.classList.toggle('click-to-show', hide);
    row.codeEl.title = hide ? t('row.clickToShow') : '';
    if (hide) delete row.codeEl.dataset.code;
    else row.codeEl.dataset.code = c.code;
    if (row.ring) {
      const left = remaining(row);
      row.ring.update(left, c.period);
      const expiring = left <= 5;
      row.codeEl.classList.toggle('expiring', expiring);
      row.nextEl.textContent = expiring && c.next && !hide ? t('row.next', { code: groupCode(c.next) }) : '';
    } else {
      // The shown HOTP code was taken at the counter before the stored (next) one.
      row.nextEl.textContent = t('row.counter', { counter: row.account.counter - 1 });
    }
  }

  // HOTP codes are not shown until taken: showing one does not use it up, so it would go stale.
  function paintHotpIdle(row: Row) {
    row.codeEl.textContent = '••• •••';
    row.codeEl.classList.add('hidden-code');
    row.nextEl.textContent = t('row.clickToGenerate');
  }

  // Once a second: move the countdowns; fetch a new code at the boundary and the next-code
  // preview when five seconds are left. No timer runs in Rust.
  function tick() {
    for (const row of rows) {
      if (!row.code || row.account.kind === 'hotp') continue;
      const left = remaining(row);
      if (left <= 0 || (left <= 5 && row.code.next === null)) void fetchCode(row);
      paintCode(row);
    }
  }
  const timer = window.setInterval(tick, 1000);

  async function copy(row: Row) {
    try {
      const res = await codeCopy(row.account.id);
      showToast(t('copied', { seconds: res.clearAfterSecs }));
      if (row.account.kind === 'hotp') {
        // Copying an HOTP account took a new code: show the one that is on the clipboard.
        showHotp(row, { name: row.account.name, code: res.code, validFrom: 0, validUntil: 0, period: 0, now: 0, next: null });
      }
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  function showHotp(row: Row, code: CodeView) {
    row.code = code;
    row.account = { ...row.account, counter: row.account.counter + 1 };
    paintCode(row);
  }

  async function nextHotp(row: Row) {
    try {
      showHotp(row, await hotpNext(row.account.id));
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  async function toggleFavourite(account: AccountSummary) {
    try {
      await accountUpdate(account.id, accountChange({ favourite: !account.favourite }));
      await refresh();
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  async function edit(row: Row) {
    const changed = await openEditDialog(row.account);
    if (changed) await refresh();
  }

  async function remove(row: Row) {
    const label = row.account.issuer ? `${row.account.issuer} (${row.account.account || row.account.name})` : row.account.name;
    const ok = await confirmDialog({
      title: t('delete.title'),
      message: t('delete.message', { label }),
      confirmLabel: tc('action.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await accountRemove(row.account.id);
      showToast(t('delete.done'));
      await refresh();
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  function select(i: number) {
    if (rows.length === 0) {
      selected = -1;
      return;
    }
    selected = Math.max(0, Math.min(rows.length - 1, i));
    paintSelection();
    rows[selected]?.el.scrollIntoView({ block: 'nearest' });
  }

  function paintSelection() {
    rows.forEach((r, i) => {
      r.el.classList.toggle('selected', i === selected);
      r.el.setAttribute('aria-current', String(i === selected));
    });
  }

  function onKey(e: KeyboardEvent) {
    if (isDialogOpen()) return;
    const inSearch = document.activeElement === search;
    const typing = inSearch || document.activeElement instanceof HTMLInputElement;
    const row = rows[selected];
    if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !typing)) {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === 'n' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void add();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && e.altKey && row && !typing) {
      e.preventDefault();
      void moveBy(row, e.key === 'ArrowUp' ? -1 : 1);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      select(selected + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      select(selected - 1);
    } else if (e.key === 'Enter' && row) {
      e.preventDefault();
      void copy(row);
    } else if (e.key === ' ' && !typing && row && hidingCodes() && !row.revealed && row.code) {
      e.preventDefault();
      reveal(row);
    } else if (e.key === 'Escape' && inSearch) {
      search.value = '';
      query = '';
      search.blur();
      render();
    } else if (!typing && row && (e.key === 'Delete' || e.key === 'Backspace')) {
      e.preventDefault();
      void remove(row);
    } else if (!typing && row && (e.key === 'e' || e.key === 'F2')) {
      e.preventDefault();
      void edit(row);
    }
  }

  // Hiding codes is switched in Settings while the list is open: repaint at once.
  // A new order re-reads the accounts: "most used" needs today's counts, which a copy does
  // not refresh (re-sorting under the pointer after every copy would move rows about).
  let sortInForce = currentSettings()?.sort;
  const unwatch = watchSettings((s) => {
    if (!accounts.length) return;
    if (s.sort !== sortInForce) {
      sortInForce = s.sort;
      void refresh();
    } else render();
  });

  // The icon set loads after the first screen is drawn; the rows then show the logos.
  let disposed = false;
  void loadIcons().then(
    () => {
      if (!disposed && accounts.length) render();
    },
    () => undefined, // no icons: the letters stay
  );

  return {
    el,
    onKey,
    refresh,
    dispose: () => {
      disposed = true;
      window.clearInterval(timer);
      unwatch();
    },
  };
}
