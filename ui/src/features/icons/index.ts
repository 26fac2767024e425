// Issuer icons: the logos of simple-icons (CC0; the logos are their owners' trademarks), offline,
// matched to an account by its issuer, with a chooser. None of the icon data is in main.js:
// `npm run build` (build-data.mjs) writes from node_modules/simple-icons dist/icons-index.js
// (about 0.2 MB: slugs, titles, colours, aliases, hosts; no paths), which loadIcons() imports
// after the first render, and the SVG paths (4.6 MB) in 64 shards dist/icons/paths-NN.js
// (shard.mjs picks a slug's shard), of which renderIcon imports only those of icons it draws.
//
// API
// - `loadIcons(): Promise<void>` — starts the lazy load of the index; idempotent (every call shares one
//   promise; after a failure the next call retries). Call it once the first screen is drawn and
//   re-render the account list when it resolves: until then iconFor returns null.
// - `iconFor(choice, issuer): IconInfo | null` — the icon an account shows. `choice` is the
//   account's stored icon field: "" = match the issuer automatically, "letter" = no icon (the
//   letter avatar), else a simple-icons slug ("github"); an unknown slug falls back to automatic.
//   Null means: draw the letter avatar. Issuer matches are cached per issuer. IconInfo is
//   { slug, title, hex }: no path.
// - `renderIcon(info, size): SVGSVGElement` — a size×size px tile in the brand colour with the
//   logo in white or black (whichever contrasts more), aria-hidden, class "brand-icon",
//   data-slug; built with createElementNS (CSP allows no inline HTML). Synchronous: the logo is
//   there at once when its shard is loaded, else it appears when the shard arrives (a failed
//   import leaves the plain tile; the next render retries). Pale and near-black tiles get an
//   outline in the theme where they would fade (icons.css, appended to dist/styles.css).
// - `iconPath(slug): Promise<string>` / `cachedPath(slug): string | undefined` — the SVG path
//   (24×24) by its shard, imported once per shard; renderIcon uses them, callers rarely need to.
// - `chooseIcon(current, issuer): Promise<string | null>` — the chooser dialog (search by name,
//   icon grid, "Automatic (match by issuer)", "Letter", Cancel). Resolves with "", "letter" or a
//   slug to store, or null when cancelled. Loads the index itself if needed; its grid (up to
//   200 icons) loads the shards of the icons shown.
//
// Matching rules (match.ts): names are compared with case, accents, spaces, punctuation and a
// trailing legal form ignored ("GITHUB, Inc." = "Git Hub" = github); domains and URLs
// ("accounts.google.com", "https://login.example.com") by the hosts of each icon's source and
// guidelines URLs, then by the domain's own name; exact before fuzzy (leading words of at least
// three letters, "Google Workspace" → Google); no good match → null.
//
// Example (account row):
//   const info = iconFor(account.icon, account.issuer);
//   const avatar = info ? renderIcon(info, 40) : letterAvatar(account);
//   void loadIcons().then(() => renderList());
export { chooseIcon } from './chooser';
export type { IconInfo } from './match';
export { renderIcon } from './render';
export { cachedPath, iconFor, iconPath, iconsVersion, loadIcons } from './store';
