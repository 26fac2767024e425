// About Twofold: the build (the same "VERSION (COMMIT)" as `twofold --version`), where the
// twofold command-line tool is, and "Put twofold on PATH" for bundles whose CLI sits inside
// the app (macOS, Windows) or a build run from a checkout.
import type { AboutView } from '../../bindings/AboutView';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { errorBox, showError } from '../../components/steps';
import { tr } from '../../i18n/i18n';
import { appAbout, appOpenLogs, cliPutOnPath } from '../../ipc/commands';

const t = tr('about');
const tc = tr('common');
const ti = tr('icons');

function cliSection(about: AboutView, put: () => void): HTMLElement {
  if (!about.cli) {
    return h(
      'div#about-cli',
      { 'data-found': 'false' },
      h('p.warning#about-cli-missing', {}, t('cli.missing', { detail: about.missingCli ?? '' })),
    );
  }
  const where = about.cli.onPath
    ? t('cli.onPath')
    : about.linkDir
      ? t('cli.linkInto', { dir: about.linkDir })
      : t('cli.addToPath');
  return h(
    'div#about-cli',
    { 'data-found': 'true', 'data-on-path': String(about.cli.onPath) },
    h('p', {}, t('cli.intro')),
    h('pre.code-block#about-cli-path', {}, about.cli.path),
    h('p.hint', {}, where),
    about.cli.onPath
      ? null
      : h('div', {}, h('button.btn.btn-primary#about-put-on-path', { type: 'button', onclick: put }, t('cli.put'))),
  );
}

/** Opens the About box. */
export function openAboutDialog(): void {
  const { body, foot, close } = openDialog('about-dialog', t('title'));
  const version = h('p#about-version');
  const cliBox = h('div');
  const logs = h('div#about-logs');
  const status = h('p.hint#about-path-result', { role: 'status', hidden: true });
  const err = errorBox('about-error');
  const notices = h('details#about-notices', {}, h('summary', {}, t('notices')), h('p.hint', {}, ti('notice')));
  body.append(h('p', {}, t('tagline')), version, cliBox, logs, status, err, notices);

  const render = (about: AboutView) => {
    version.dataset.version = about.longVersion;
    version.textContent = t('version', { version: about.longVersion });
    cliBox.replaceChildren(cliSection(about, put));
    logs.replaceChildren(
      ...(about.logDir
        ? [
            h('p', {}, t('logs.intro')),
            h('pre.code-block#about-log-dir', {}, about.logDir),
            h('div', {}, h('button.btn#about-open-logs', { type: 'button', onclick: () => appOpenLogs().catch((e) => showError(err, e)) }, t('logs.open'))),
          ]
        : []),
    );
  };
  const load = () => appAbout().then(render).catch((e) => showError(err, e));
  function put() {
    err.hidden = true;
    cliBox.querySelector('button')?.setAttribute('disabled', '');
    cliPutOnPath()
      .then((r) => {
        status.textContent = r.message;
        status.hidden = false;
        if (r.link) status.dataset.link = r.link;
        return load();
      })
      .catch((e) => {
        showError(err, e);
        cliBox.querySelector('button')?.removeAttribute('disabled');
      });
  }
  void load();
  foot.append(h('span.spacer'), h('button.btn#about-close', { type: 'button', onclick: () => close() }, tc('action.close')));
}
