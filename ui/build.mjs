// Bundles ui/src/main.ts into ui/dist/ and copies the static files next to it; writes the
// issuer icons' data (simple-icons) to dist/icons-data.js, which the app imports lazily after
// the first render, so main.js stays small.
// Usage: node build.mjs [--watch]
import * as esbuild from 'esbuild';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

// Issuer icons: generated from node_modules/simple-icons, never committed (build output).
const { writeIconData } = await import('./src/features/icons/build-data.mjs');
const iconData = join(dist, 'icons-data.js');
await writeIconData(iconData);
console.log(`\n  dist/icons-data.js  ${(statSync(iconData).size / 1024).toFixed(1)}kb (loaded lazily)`);

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
