import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IconInfo } from './match';
import { drawGlyph, renderIcon } from './render';
import { shardOf } from './shard.mjs';
import { iconPath, type PathShard, setShardLoader } from './store';

/** Just enough of an SVG element for renderIcon (the tests run in Node, without a DOM). */
class FakeElement {
  readonly attributes = new Map<string, string>();
  readonly children: FakeElement[] = [];
  constructor(readonly tag: string) {}
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  append(...nodes: FakeElement[]): void {
    this.children.push(...nodes);
  }
}

const GITHUB: IconInfo = { slug: 'github', title: 'GitHub', hex: '181717' };

function draw(info: IconInfo, deferred = false) {
  const svg = renderIcon(info, 40, deferred) as unknown as FakeElement;
  const glyph = svg.children.find((c) => c.tag === 'path');
  if (!glyph) throw new Error('no glyph');
  return { svg, glyph };
}

describe('renderIcon', () => {
  let calls: number[];
  let pending: { resolve: (s: PathShard) => void; reject: (e: Error) => void }[];
  beforeAll(() => {
    vi.stubGlobal('document', { createElementNS: (_ns: string, tag: string) => new FakeElement(tag) });
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });
  afterEach(() => setShardLoader());
  const manual = () => {
    calls = [];
    pending = [];
    setShardLoader((n) => {
      calls.push(n);
      return new Promise<PathShard>((resolve, reject) => pending.push({ resolve, reject }));
    });
  };

  it('draws the tile at once and the logo when its shard arrives', async () => {
    manual();
    const { svg, glyph } = draw(GITHUB);
    expect(Object.fromEntries(svg.attributes)).toMatchObject({
      class: 'brand-icon',
      'aria-hidden': 'true',
      'data-slug': 'github',
      'data-tone': 'dark',
      width: '40',
    });
    expect(svg.children.find((c) => c.tag === 'rect')?.getAttribute('fill')).toBe('#181717');
    expect(glyph.getAttribute('fill')).toBe('#FFFFFF');
    expect(glyph.getAttribute('d')).toBeNull();
    expect(calls).toEqual([shardOf('github')]);

    pending[0].resolve({ github: 'M0 0h24v24H0z' });
    await iconPath('github'); // settles after renderIcon's own callback on the same shard
    expect(glyph.getAttribute('d')).toBe('M0 0h24v24H0z');

    // Now cached: the next tile has its logo straight away, without another import.
    expect(draw(GITHUB).glyph.getAttribute('d')).toBe('M0 0h24v24H0z');
    expect(calls).toHaveLength(1);
  });

  it('leaves the plain tile when the import fails and tries again on the next render', async () => {
    manual();
    const first = draw(GITHUB).glyph;
    pending[0].reject(new Error('import failed'));
    await expect(iconPath('github')).rejects.toThrow('import failed');
    expect(first.getAttribute('d')).toBeNull();

    const second = draw(GITHUB).glyph;
    expect(calls).toHaveLength(2);
    pending[1].resolve({ github: 'M1 1z' });
    await iconPath('github');
    expect(second.getAttribute('d')).toBe('M1 1z');
  });

  it('defers the logo until asked, and then imports its shard once', async () => {
    manual();
    const { svg, glyph } = draw(GITHUB, true);
    expect(glyph.getAttribute('d')).toBeNull();
    expect(calls).toEqual([]);

    drawGlyph(svg as unknown as SVGSVGElement);
    expect(calls).toEqual([shardOf('github')]);
    pending[0].resolve({ github: 'M2 2z' });
    await iconPath('github');
    expect(glyph.getAttribute('d')).toBe('M2 2z');
    // Drawn already: asking again imports nothing.
    drawGlyph(svg as unknown as SVGSVGElement);
    expect(calls).toHaveLength(1);
    // With the shard loaded, a deferred tile has its logo at once.
    expect(draw(GITHUB, true).glyph.getAttribute('d')).toBe('M2 2z');
  });
});
