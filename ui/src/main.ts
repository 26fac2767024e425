// Entry point: the lookup window (#lookup) or the main window, whose screen follows the vault
// status; keyboard input is routed to the screen.
import type { VaultStatus } from './bindings/VaultStatus';
import { showToast } from './components/toast';
import { h } from './components/dom';
import { createAccountsView, type AccountsView } from './features/accounts/view';
import { startLookup } from './features/lookup/lookup';
import { watchBackups } from './features/settings/backups';
import { lockedBecause } from './features/settings/labels';
import { currentSettings, reportActivity, startPreferences } from './features/settings/preferences';
import { createVaultScreen } from './features/vault/unlock';
import { vaultStatus } from './ipc/commands';
import { describe } from './ipc/errors';
import { onVaultChanged, onWindowFocus } from './ipc/events';
import { startI18n, tr } from './i18n/i18n';

const t = tr('app');

const app = document.getElementById('app') as HTMLElement;
let view: AccountsView | null = null;

function showStatus(status: VaultStatus) {
  view?.dispose();
  view = null;
  if (status.state === 'unlocked') {
    view = createAccountsView(() => void boot());
    app.replaceChildren(view.el);
    void view.refresh();
  } else {
    app.replaceChildren(createVaultScreen(status, showStatus));
  }
}

async function boot() {
  try {
    showStatus(await vaultStatus());
  } catch (e) {
    app.replaceChildren(
      h('div.screen', {}, h('div.card', {}, h('h2', {}, t('couldNotStart')), h('p', {}, describe(e)))),
    );
  }
}

function startMain() {
  document.addEventListener('keydown', (e) => view?.onKey(e));
  onVaultChanged((p) => {
    if (p.reason.startsWith('locked')) {
      void boot();
      const why = lockedBecause(p.reason, currentSettings()?.lockAfterSecs ?? null);
      if (why) showToast(why, 'info', 8000);
    } else void view?.refresh();
  });
  // The CLI may have changed the vault while the window was in the background.
  onWindowFocus(() => void view?.refresh());
  // A failed automatic backup is a toast wherever the user is.
  watchBackups();
  void boot();
}

window.addEventListener('unhandledrejection', (e) => showToast(describe(e.reason), 'error'));

// The language comes with the settings: nothing is rendered before it is in force.
async function start() {
  // Should the settings fail to load, the app still starts, in English.
  await startPreferences().catch(() => startI18n('en'));
  reportActivity();
  if (window.location.hash === '#lookup') startLookup(app);
  else startMain();
}

void start();
