// Entry point: pick the screen from the vault status and route keyboard input to it.
import type { VaultStatus } from './bindings/VaultStatus';
import { showToast } from './components/toast';
import { h } from './components/dom';
import { createAccountsView, type AccountsView } from './features/accounts/view';
import { watchBackups } from './features/settings/backups';
import { createVaultScreen } from './features/vault/unlock';
import { vaultStatus } from './ipc/commands';
import { describe } from './ipc/errors';
import { onVaultChanged, onWindowFocus } from './ipc/events';

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
      h('div.screen', {}, h('div.card', {}, h('h2', {}, 'Twofold could not start'), h('p', {}, describe(e)))),
    );
  }
}

document.addEventListener('keydown', (e) => view?.onKey(e));
onVaultChanged((p) => {
  if (p.reason === 'locked') void boot();
  else void view?.refresh();
});
// The CLI may have changed the vault while the window was in the background.
onWindowFocus(() => void view?.refresh());
// A failed automatic backup is a toast wherever the user is.
watchBackups();
window.addEventListener('unhandledrejection', (e) => showToast(describe(e.reason), 'error'));

void boot();
