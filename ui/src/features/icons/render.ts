// Draws an icon: a rounded tile in the brand colour with the logo in white or black, whichever
// contrasts more. Built with createElementNS (no innerHTML). Decorative: the account's name is
// beside it, so the SVG is hidden from assistive technology. The logo's path comes from a
// shard loaded on demand (store.ts iconPath): the tile is drawn at once, the logo as soon as
// its shard is there.
import { glyphColour, type IconInfo, tileTone } from './match';
import { cachedPath, iconPath } from './store';

const NS = 'http://www.w3.org/2000/svg';

/** A `size`×`size` px SVG of the icon (class "brand-icon"; data-tone "light" or "dark" when the
 * tile needs an outline in the light or the dark theme, see icons.css). Synchronous: the glyph
 * gets its path now when the shard is already loaded, else when the shard arrives (the SVG may
 * have left the page by then, which is harmless; if the import fails the tile stays plain).
 * `deferred`: a glyph whose shard is not loaded yet waits for {@link drawGlyph} (the chooser
 * calls it when the cell scrolls into view), so a long grid imports only the shards it shows. */
export function renderIcon(info: IconInfo, size: number, deferred = false): SVGSVGElement {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('class', 'brand-icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('data-tone', tileTone(info.hex));
  svg.setAttribute('data-slug', info.slug);
  const tile = document.createElementNS(NS, 'rect');
  tile.setAttribute('class', 'brand-tile');
  for (const [k, v] of Object.entries({ x: '0.5', y: '0.5', width: '23', height: '23', rx: '5.5' })) {
    tile.setAttribute(k, v);
  }
  tile.setAttribute('fill', `#${info.hex}`);
  const glyph = document.createElementNS(NS, 'path');
  glyph.setAttribute('fill', glyphColour(info.hex));
  // The logo at 60% of the tile, centred.
  glyph.setAttribute('transform', 'translate(4.8 4.8) scale(0.6)');
  svg.append(tile, glyph);
  const d = cachedPath(info.slug);
  if (d !== undefined) glyph.setAttribute('d', d);
  else if (!deferred) drawGlyph(svg);
  return svg;
}

/** Gives a tile from {@link renderIcon} its logo: at once when the shard is loaded, else once it
 * is imported. Nothing happens when the logo is already there. */
export function drawGlyph(svg: SVGSVGElement): void {
  const slug = svg.getAttribute('data-slug');
  const glyph = svg.children[1] as SVGPathElement | undefined;
  if (!slug || !glyph || glyph.getAttribute('d') !== null) return;
  iconPath(slug).then(
    (path) => glyph.setAttribute('d', path),
    () => undefined, // the plain tile stays; the next render tries the shard again
  );
}
