// Settings → Security and privacy, Appearance, Quick lookup: each control saves on change
// (Rust checks, writes and applies it; every window hears `settings://changed`). A refused
// change shows why and puts the control back.
import type { Settings } from '../../bindings/Settings';
import type { SettingsView } from '../../bindings/SettingsView';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { launchAtLoginSet, settingsGet, settingsSet } from '../../ipc/commands';
import { onShortcutStanding } from '../../ipc/events';
import { systemLanguages, tr } from '../../i18n/i18n';
import { describe } from '../../ipc/errors';
import { verifyStatus } from '../vault/os-verify';
import {
  CLEAR_CHOICES,
  LOCK_CHOICES,
  choicesWith,
  clearLabel,
  desktopShortcutText,
  languageChoices,
  lockLabel,
  shortcutProblemText,
  typeCodeProblemText,
} from './labels';

const t = tr('settings');

function select(id: string, options: [string, string][], value: string): HTMLSelectElement {
  const el = h(`select#${id}`, {}) as HTMLSelectElement;
  for (const [v, label] of options) el.append(h('option', { value: v }, label));
  el.value = value;
  return el;
}

function check(id: string, label: string, checked: boolean): { el: HTMLLabelElement; input: HTMLInputElement } {
  const input = h(`input#${id}`, { type: 'checkbox' }) as HTMLInputElement;
  input.checked = checked;
  return { el: h('label.check', { for: id }, input, label), input };
}

/** The three sections, filled once the settings are read. */
export function createPreferencesSections(): HTMLElement[] {
  const security = h(
    'section.settings-section#settings-security',
    {},
    h('h3', {}, t('security.heading')),
    h('p.hint', {}, t('security.reading')),
  );
  const look = h('section.settings-section#settings-appearance', {}, h('h3', {}, t('appearance.heading')));
  const lookup = h('section.settings-section#settings-lookup', {}, h('h3', {}, t('lookup.heading')));
  settingsGet().then(
    (v) => fill(v),
    (e) => security.replaceChildren(h('h3', {}, t('security.heading')), h('p.form-error', { role: 'alert' }, describe(e))),
  );

  function fill(v: SettingsView) {
    let s = v.settings;
    // Changes are saved one after the other, each onto the settings the previous one left, so
    // two quick changes do not undo each other. On refusal the caller's `revert` puts the
    // control back.
    let queue: Promise<unknown> = Promise.resolve();
    function save(change: Partial<Settings>, revert: () => void): Promise<SettingsView | null> {
      const done = queue.then(async () => {
        try {
          const saved = await settingsSet({ ...s, ...change });
          s = saved.settings;
          return saved;
        } catch (e) {
          revert();
          showToast(describe(e), 'error', 8000);
          return null;
        }
      });
      queue = done;
      return done;
    }

    const lockAfter = select(
      'setting-lock-after',
      choicesWith(LOCK_CHOICES, s.lockAfterSecs).map((n) => [String(n), lockLabel(n)]),
      String(s.lockAfterSecs),
    );
    lockAfter.addEventListener('change', () => {
      void save({ lockAfterSecs: Number(lockAfter.value) }, () => (lockAfter.value = String(s.lockAfterSecs)));
    });
    const onSession = check('setting-lock-session', t('security.lockOnSession'), s.lockOnSessionLock);
    onSession.input.addEventListener('change', () => {
      void save({ lockOnSessionLock: onSession.input.checked }, () => (onSession.input.checked = s.lockOnSessionLock));
    });
    const hide = check('setting-hide-codes', t('security.hideCodes'), s.hideCodes);
    hide.input.addEventListener('change', () => {
      void save({ hideCodes: hide.input.checked }, () => (hide.input.checked = s.hideCodes));
    });
    const clear = select(
      'setting-clipboard-clear',
      choicesWith(CLEAR_CHOICES, s.clipboardClearSecs).map((n) => [String(n), clearLabel(n)]),
      String(s.clipboardClearSecs),
    );
    clear.addEventListener('change', () => {
      void save({ clipboardClearSecs: Number(clear.value) }, () => (clear.value = String(s.clipboardClearSecs)));
    });
    security.replaceChildren(
      h('h3', {}, t('security.heading')),
      field(t('security.lockAfter'), lockAfter, t('security.lockAfterHint')),
      onSession.el,
      ...(v.keyringOnly ? [lockNote()] : []),
      field(t('security.clipboardClear'), clear),
      hide.el,
    );

    const theme = select(
      'setting-theme',
      [
        ['system', t('appearance.themeSystem')],
        ['light', t('appearance.themeLight')],
        ['dark', t('appearance.themeDark')],
      ],
      s.theme,
    );
    theme.addEventListener('change', () => {
      void save({ theme: theme.value as Settings['theme'] }, () => (theme.value = s.theme));
    });
    const atLogin = check('setting-launch-at-login', t('appearance.launchAtLogin'), v.launchAtLogin);
    atLogin.input.addEventListener('change', () => {
      const want = atLogin.input.checked;
      launchAtLoginSet(want).then(
        (saved) => (atLogin.input.checked = saved.launchAtLogin),
        (e) => {
          atLogin.input.checked = !want;
          showToast(describe(e), 'error', 8000);
        },
      );
    });
    const minimized = check('setting-start-minimized', t('appearance.startMinimized'), s.startMinimized);
    minimized.input.addEventListener('change', () => {
      void save({ startMinimized: minimized.input.checked }, () => (minimized.input.checked = s.startMinimized));
    });
    // The window reloads in the new language once it is saved (preferences.ts).
    const lang = select('setting-language', languageChoices(systemLanguages()), s.language);
    for (const option of lang.options) if (option.value !== 'system') option.lang = option.value;
    lang.addEventListener('change', () => {
      void save({ language: lang.value }, () => (lang.value = s.language));
    });
    look.replaceChildren(
      h('h3', {}, t('appearance.heading')),
      field(t('appearance.theme'), theme),
      field(t('appearance.language'), lang),
      atLogin.el,
      minimized.el,
    );

    const shortcut = h('input#setting-shortcut', {
      type: 'text',
      value: s.shortcut ?? '',
      placeholder: t('lookup.noShortcut'),
      autocomplete: 'off',
      spellcheck: 'false',
    }) as HTMLInputElement;
    const shortcutField = field(t('lookup.shortcut'), shortcut, t('lookup.shortcutHint'));
    const problem = h('p.hint.warning-text#settings-shortcut-problem', {});
    const desktop = h('p.hint#settings-shortcut-desktop', {});
    const showStanding = (view: SettingsView) => {
      problem.textContent = view.shortcutProblem ? shortcutProblemText(view.shortcutProblem) : '';
      problem.hidden = !view.shortcutProblem;
      desktop.textContent = view.desktopShortcut ? desktopShortcutText(view.desktopShortcut) : '';
      desktop.hidden = !view.desktopShortcut;
      // Where the desktop holds the shortcut, the field only suggests keys to it.
      const hint = shortcutField.querySelector('.hint');
      if (hint) hint.textContent = view.desktopShortcut ? t('lookup.shortcutHintDesktop') : t('lookup.shortcutHint');
    };
    showStanding(v);
    // The portal answers later than Settings asks; stop listening once the form is gone.
    const stop = onShortcutStanding(() => {
      if (!desktop.isConnected) {
        stop();
        return;
      }
      settingsGet().then(showStanding, () => undefined);
    });
    const saveShortcut = h('button.btn#setting-shortcut-save', { type: 'button' }, t('lookup.useShortcut'));
    saveShortcut.addEventListener('click', async () => {
      const text = shortcut.value.trim();
      const saved = await save({ shortcut: text === '' ? null : text }, () => (shortcut.value = s.shortcut ?? ''));
      if (saved) {
        showStanding(saved);
        showToast(saved.settings.shortcut ? t('lookup.shortcutSet', { shortcut: saved.settings.shortcut }) : t('lookup.noShortcut'));
      }
    });
    const typeCode = check('setting-type-code', t('lookup.typeCode'), s.typeCode);
    typeCode.input.addEventListener('change', () => {
      void save({ typeCode: typeCode.input.checked }, () => (typeCode.input.checked = s.typeCode));
    });
    lookup.replaceChildren(
      h('h3', {}, t('lookup.heading')),
      h('p.hint', {}, t('lookup.hint')),
      shortcutField,
      h('div.settings-actions', {}, saveShortcut),
      desktop,
      problem,
      typeCode.el,
      ...(v.typeCodeProblem ? [h('p.hint#settings-type-problem', {}, typeCodeProblemText(v.typeCodeProblem))] : []),
    );
  }

  return [security, look, lookup];
}

/** What protects a vault without a password once Twofold locks it: the system's password where
 * the OS can ask for it (polkit), else nothing but the desktop session (said plainly). */
function lockNote(): HTMLElement {
  const note = h('p.hint.warning-text#settings-lock-note', {}, t('security.lockNote'));
  void verifyStatus().then((os) => {
    if (os.available) {
      note.textContent = t('security.lockNoteVerified');
      note.classList.remove('warning-text');
    }
  });
  return note;
}
