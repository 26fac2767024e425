// About Twofold: the build (the same "VERSION (COMMIT)" as `twofold --version`), where the
// twofold command-line tool is, and "Put twofold on PATH" for bundles whose CLI sits inside
// the app (macOS, Windows) or a build run from a checkout.
import type { AboutView } from '../../bindings/AboutView';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { errorBox, showError } from '../../components/steps';
import { appAbout, appOpenLogs, cliPutOnPath } from '../../ipc/commands';

function cliSection(about: AboutView, put: () => void): HTMLElement {
  if (!about.cli) {
    return h(
      'div#about-cli',
      { 'data-found': 'false' },
      h('p.warning#about-cli-missing', {}, `The twofold command-line tool was not found beside Twofold or on PATH. ${about.missingCli ?? ''}`),
    );
  }
  const where = about.cli.onPath
    ? 'It is on your PATH: type twofold in a terminal.'
    : about.linkDir
      ? `It is not on your PATH yet; the button links it into ${about.linkDir}.`
      : 'It is not on your PATH yet; the button adds its folder to your user PATH.';
  return h(
    'div#about-cli',
    { 'data-found': 'true', 'data-on-path': String(about.cli.onPath) },
    h('p', {}, 'Command-line tool, for scripts and the AWS CLI’s automatic sessions:'),
    h('pre.code-block#about-cli-path', {}, about.cli.path),
    h('p.hint', {}, where),
    about.cli.onPath
      ? null
      : h('div', {}, h('button.btn.btn-primary#about-put-on-path', { type: 'button', onclick: put }, 'Put twofold on PATH')),
  );
}

/** Opens the About box. */
export function openAboutDialog(): void {
  const { body, foot, close } = openDialog('about-dialog', 'About Twofold');
  const version = h('p#about-version');
  const cliBox = h('div');
  const logs = h('div#about-logs');
  const status = h('p.hint#about-path-result', { role: 'status', hidden: true });
  const err = errorBox('about-error');
  body.append(h('p', {}, 'Two-factor codes and AWS MFA on your desktop.'), version, cliBox, logs, status, err);

  const render = (about: AboutView) => {
    version.dataset.version = about.longVersion;
    version.textContent = `Version ${about.longVersion}`;
    cliBox.replaceChildren(cliSection(about, put));
    logs.replaceChildren(
      ...(about.logDir
        ? [
            h('p', {}, 'Log files (errors and details for a bug report; never secrets):'),
            h('pre.code-block#about-log-dir', {}, about.logDir),
            h('div', {}, h('button.btn#about-open-logs', { type: 'button', onclick: () => appOpenLogs().catch((e) => showError(err, e)) }, 'Open the log folder')),
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
  foot.append(h('span.spacer'), h('button.btn#about-close', { type: 'button', onclick: () => close() }, 'Close'));
}
