// Bundles ui/src/main.ts into ui/dist/ and copies the static files next to it; writes the
// issuer icons' data (simple-icons) next to it, which the app imports lazily so main.js stays
// small: dist/icons-index.js (after the first render) and the SVG paths in dist/icons/paths-NN.js
// (a shard when an icon in it is first drawn).
// Usage: node build.mjs [--watch]
import * as esbuild from 'esbuild';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
copyFileSync(join(root, 'index.html'), join(dist, 'index.html'));
copyFileSync(join(root, 'src', 'styles.css'), join(dist, 'styles.css'));
appendFileSync(join(dist, 'styles.css'), `\n${readFileSync(join(root, 'src', 'features', 'icons', 'icons.css'), 'utf8')}`);
copyFileSync(join(root, '..', 'icons', '128x128.png'), join(dist, 'logo.png'));

const options = {
  entryPoints: [join(root, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2021',
  outfile: join(dist, 'main.js'),
  sourcemap: watch ? 'inline' : false,
  minify: !watch,
  logLevel: 'info',
  // Module scripts are always UTF-8: keep the catalogues' Cyrillic as is, not as \u escapes.
  charset: 'utf8',
};

// Issuer icons: generated from node_modules/simple-icons, never committed (build output). dist/
// was emptied above, and writeIconData also clears its own files, so no shard of an older
// build (or the former single dist/icons-data.js) lingers.
const { writeIconData } = await import('./src/features/icons/build-data.mjs');
const icons = await writeIconData(dist);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)}kb`;
console.log(
  `\n  dist/icons-index.js  ${kb(icons.index)} (loaded lazily)` +
    `\n  dist/icons/paths-*.js  ${icons.shards.length} shards, largest ${kb(Math.max(...icons.shards))}, ` +
    `total ${kb(icons.shards.reduce((a, b) => a + b, 0))} (loaded per icon drawn)`,
);

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
