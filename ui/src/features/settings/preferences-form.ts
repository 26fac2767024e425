// Settings → Security and privacy, Appearance, Quick lookup: each control saves on change
// (Rust checks, writes and applies it; every window hears `settings://changed`). A refused
// change shows why and puts the control back.
import type { Settings } from '../../bindings/Settings';
import type { SettingsView } from '../../bindings/SettingsView';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { launchAtLoginSet, settingsGet, settingsSet } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { CLEAR_CHOICES, LOCK_CHOICES, choicesWith, duration, lockLabel } from './labels';

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
  const security = h('section.settings-section#settings-security', {}, h('h3', {}, 'Security and privacy'), h('p.hint', {}, 'Reading the settings…'));
  const look = h('section.settings-section#settings-appearance', {}, h('h3', {}, 'Appearance and start-up'));
  const lookup = h('section.settings-section#settings-lookup', {}, h('h3', {}, 'Quick lookup'));
  settingsGet().then(
    (v) => fill(v),
    (e) => security.replaceChildren(h('h3', {}, 'Security and privacy'), h('p.form-error', { role: 'alert' }, describe(e))),
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
    const onSession = check('setting-lock-session', 'Lock when the screen locks or the computer sleeps', s.lockOnSessionLock);
    onSession.input.addEventListener('change', () => {
      void save({ lockOnSessionLock: onSession.input.checked }, () => (onSession.input.checked = s.lockOnSessionLock));
    });
    const hide = check('setting-hide-codes', 'Hide codes until clicked', s.hideCodes);
    hide.input.addEventListener('change', () => {
      void save({ hideCodes: hide.input.checked }, () => (hide.input.checked = s.hideCodes));
    });
    const clear = select(
      'setting-clipboard-clear',
      choicesWith(CLEAR_CHOICES, s.clipboardClearSecs).map((n) => [String(n), `After ${duration(n)}`]),
      String(s.clipboardClearSecs),
    );
    clear.addEventListener('change', () => {
      void save({ clipboardClearSecs: Number(clear.value) }, () => (clear.value = String(s.clipboardClearSecs)));
    });
    security.replaceChildren(
      h('h3', {}, 'Security and privacy'),
      field('Lock Twofold', lockAfter, 'Without use for this long, Twofold forgets its keys until you unlock it again.'),
      onSession.el,
      ...(v.lockNote ? [h('p.hint.warning-text#settings-lock-note', {}, v.lockNote)] : []),
      field('Clear a copied code from the clipboard', clear),
      hide.el,
    );

    const theme = select('setting-theme', [['system', 'Same as the system'], ['light', 'Light'], ['dark', 'Dark']], s.theme);
    theme.addEventListener('change', () => {
      void save({ theme: theme.value as Settings['theme'] }, () => (theme.value = s.theme));
    });
    const atLogin = check('setting-launch-at-login', 'Start Twofold when I log in', v.launchAtLogin);
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
    const minimized = check('setting-start-minimized', 'Then start in the tray, without the window', s.startMinimized);
    minimized.input.addEventListener('change', () => {
      void save({ startMinimized: minimized.input.checked }, () => (minimized.input.checked = s.startMinimized));
    });
    look.replaceChildren(h('h3', {}, 'Appearance and start-up'), field('Theme', theme), atLogin.el, minimized.el);

    const shortcut = h('input#setting-shortcut', {
      type: 'text',
      value: s.shortcut ?? '',
      placeholder: 'No shortcut',
      autocomplete: 'off',
      spellcheck: 'false',
    }) as HTMLInputElement;
    const problem = h('p.hint.warning-text#settings-shortcut-problem', { hidden: !v.shortcutProblem }, v.shortcutProblem ?? '');
    const saveShortcut = h('button.btn#setting-shortcut-save', { type: 'button' }, 'Use this shortcut');
    saveShortcut.addEventListener('click', async () => {
      const text = shortcut.value.trim();
      const saved = await save({ shortcut: text === '' ? null : text }, () => (shortcut.value = s.shortcut ?? ''));
      if (saved) {
        problem.textContent = saved.shortcutProblem ?? '';
        problem.hidden = !saved.shortcutProblem;
        showToast(saved.settings.shortcut ? `Shortcut set: ${saved.settings.shortcut}` : 'No shortcut');
      }
    });
    const typeCode = check('setting-type-code', 'Enter types the code into the window in front instead of copying it', s.typeCode);
    typeCode.input.addEventListener('change', () => {
      void save({ typeCode: typeCode.input.checked }, () => (typeCode.input.checked = s.typeCode));
    });
    lookup.replaceChildren(
      h('h3', {}, 'Quick lookup'),
      h('p.hint', {}, 'A shortcut that works in every app opens a small window: type to find an account, Enter to copy its code, Esc to close.'),
      field('Shortcut', shortcut, 'For example Ctrl+Alt+Shift+2. Leave empty for none.'),
      h('div.settings-actions', {}, saveShortcut),
      problem,
      typeCode.el,
      ...(v.typeCodeProblem ? [h('p.hint#settings-type-problem', {}, `Here: ${v.typeCodeProblem}.`)] : []),
    );
  }

  return [security, look, lookup];
}
