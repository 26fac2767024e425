// The icon chooser: a dialog with a search over every icon by name, a grid of icon buttons and
// the two other choices, "Automatic" (match by issuer) and "Letter".
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { tr } from '../../i18n/i18n';
import { avatarColor } from '../accounts/list';
import { matchIssuer, searchIcons } from './match';
import { drawGlyph, renderIcon } from './render';
import { iconIndex, loadIcons } from './store';

const t = tr('icons');
const tc = tr('common');

/** At most this many icons are drawn at a time; the status line says how many more match. */
export const RESULT_LIMIT = 200;

/** The letter avatar as the account row draws it, for the "Letter" choice. */
function letterTile(issuer: string, size: number): HTMLElement {
  const name = issuer.trim() || '?';
  return h(
    'span.icon-letter',
    {
      'aria-hidden': 'true',
      style: `background:${avatarColor(name)};width:${size}px;height:${size}px;font-size:${Math.round(size * 0.45)}px`,
    },
    name[0].toUpperCase(),
  );
}

/** Lets the user pick the account's icon. Resolves with "" (automatic), "letter" or a slug, or
 * null when cancelled. `current` is the stored choice, `issuer` the account's issuer. */
export function chooseIcon(current: string, issuer: string): Promise<string | null> {
  return new Promise((resolve) => {
    let result: string | null = null;
    const { dialog, body, foot, close } = openDialog('icon-chooser', t('chooser.title'), () => resolve(result));
    dialog.classList.add('icon-chooser');
    const pick = (value: string) => {
      result = value;
      close();
    };

    const search = h('input', {
      type: 'search',
      id: 'icon-chooser-search',
      placeholder: t('chooser.searchPlaceholder'),
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-controls': 'icon-chooser-grid',
      'aria-describedby': 'icon-chooser-status',
    });
    const autoPreview = h('span.icon-choice-preview', { 'aria-hidden': 'true' });
    const autoHint = h('span.icon-choice-hint', {}, t('chooser.loading'));
    const auto = h(
      'button.btn.icon-choice',
      { type: 'button', 'data-testid': 'icon-choice-auto', onclick: () => pick('') },
      autoPreview,
      h('span.icon-choice-text', {}, h('span', {}, t('chooser.automatic')), autoHint),
    );
    const letter = h(
      'button.btn.icon-choice',
      {
        type: 'button',
        'data-testid': 'icon-choice-letter',
        'aria-pressed': String(current === 'letter'),
        onclick: () => pick('letter'),
      },
      h('span.icon-choice-preview', { 'aria-hidden': 'true' }, letterTile(issuer, 28)),
      h('span.icon-choice-text', {}, h('span', {}, t('chooser.letter')), h('span.icon-choice-hint', {}, t('chooser.letterHint'))),
    );
    const status = h('p.icon-chooser-status', { id: 'icon-chooser-status', role: 'status', 'aria-live': 'polite' });
    const grid = h('div.icon-grid', { id: 'icon-chooser-grid', role: 'group', 'aria-label': t('chooser.grid') });
    body.append(
      h(
        'div.field',
        {},
        h('label', { for: 'icon-chooser-search' }, t('chooser.searchLabel')),
        search,
      ),
      h('div.icon-choices', {}, auto, letter),
      status,
      grid,
    );
    const cancel = h('button.btn', { type: 'button', 'data-testid': 'icon-chooser-cancel', onclick: () => close() }, tc('action.cancel'));
    foot.append(cancel);

    // Arrow keys move between the icons (one tab stop for the whole grid), Home/End jump.
    grid.addEventListener('keydown', (e) => {
      const buttons = [...grid.querySelectorAll<HTMLButtonElement>('button')];
      const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
      if (at < 0 || buttons.length === 0) return;
      const top = buttons[0].offsetTop;
      const columns = Math.max(1, buttons.findIndex((b) => b.offsetTop !== top));
      const perRow = buttons.every((b) => b.offsetTop === top) ? buttons.length : columns;
      const moves: Record<string, number> = {
        ArrowRight: at + 1,
        ArrowLeft: at - 1,
        ArrowDown: at + perRow,
        ArrowUp: at - perRow,
        Home: 0,
        End: buttons.length - 1,
      };
      const to = moves[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const next = buttons[Math.min(buttons.length - 1, Math.max(0, to))];
      for (const b of buttons) b.tabIndex = b === next ? 0 : -1;
      next.focus();
    });

    // A cell's logo is imported when the cell scrolls into view (the 200 cells, sorted by name,
    // would otherwise import nearly every path shard at once). Without IntersectionObserver,
    // every logo is drawn at once.
    const seen =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver(
            (entries) => {
              for (const entry of entries) {
                if (!entry.isIntersecting) continue;
                seen?.unobserve(entry.target);
                const svg = entry.target.querySelector<SVGSVGElement>('svg.brand-icon');
                if (svg) drawGlyph(svg);
              }
            },
            { root: grid, rootMargin: '64px 0px' },
          );
    dialog.addEventListener('close', () => seen?.disconnect());

    const show = () => {
      const index = iconIndex();
      if (!index) return;
      seen?.disconnect();
      const query = search.value;
      let found = searchIcons(index, query);
      if (!query.trim()) {
        // Nothing typed: the current choice and the automatic match come first.
        const first = [index.bySlug.get(current), matchIssuer(index, issuer)?.index].filter(
          (i): i is number => i !== undefined,
        );
        found = [...new Set([...first, ...found])];
      }
      const shown = found.slice(0, RESULT_LIMIT);
      grid.replaceChildren(
        ...shown.map((i) => {
          const icon = index.icons[i];
          return h(
            'button.icon-cell',
            {
              type: 'button',
              tabindex: '-1',
              title: icon.title,
              'data-slug': icon.slug,
              'aria-pressed': String(icon.slug === current),
              onclick: () => pick(icon.slug),
            },
            renderIcon(icon, 32, seen !== null),
            h('span.icon-cell-name', {}, icon.title),
          );
        }),
      );
      if (seen) for (const cell of grid.children) seen.observe(cell);
      const focusable =
        grid.querySelector<HTMLButtonElement>('button[aria-pressed="true"]') ?? grid.querySelector('button');
      if (focusable) focusable.tabIndex = 0;
      status.textContent =
        found.length === 0
          ? t('chooser.none', { query: query.trim() })
          : found.length > shown.length
            ? t('chooser.more', { count: found.length - shown.length })
            : t('chooser.found', { count: found.length });
    };

    const showAuto = () => {
      const index = iconIndex();
      const m = index ? matchIssuer(index, issuer) : null;
      const known = index?.bySlug.has(current) ?? false;
      auto.setAttribute('aria-pressed', String(current === '' || (current !== 'letter' && !known)));
      if (m && index) {
        autoPreview.replaceChildren(renderIcon(index.icons[m.index], 28));
        autoHint.textContent = t('chooser.automaticIs', { title: index.icons[m.index].title });
      } else {
        autoPreview.replaceChildren(letterTile(issuer, 28));
        autoHint.textContent = t('chooser.automaticNone');
      }
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(show, 80);
    });
    search.addEventListener('keydown', (e) => {
      // Down from the search field goes into the grid.
      if (e.key === 'ArrowDown') {
        const b = grid.querySelector<HTMLButtonElement>('button[tabindex="0"]');
        if (b) {
          e.preventDefault();
          b.focus();
        }
      }
    });

    auto.setAttribute('aria-pressed', String(current === ''));
    search.focus();
    if (iconIndex()) {
      showAuto();
      show();
    } else {
      status.textContent = t('chooser.loading');
      loadIcons().then(
        () => {
          if (!dialog.isConnected) return;
          showAuto();
          show();
        },
        () => {
          if (!dialog.isConnected) return;
          status.textContent = t('chooser.failed');
          autoHint.textContent = '';
          autoPreview.replaceChildren(letterTile(issuer, 28));
        },
      );
    }
  });
}
