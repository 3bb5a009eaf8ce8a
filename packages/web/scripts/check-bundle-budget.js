// The budget of the first load: the JavaScript index.html loads before anything is lazy-loaded
// (the entry and the chunks it preloads), gzipped, must stay under 400 KB. Screens that bring
// heavy libraries (CodeMirror, ECharts) are lazy routes and do not count.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

export const budgetBytes = 400 * 1024;
const dist = new URL('../dist/', import.meta.url);

/** The gzipped size of each script index.html loads at once. */
export async function initialScripts() {
  const html = await readFile(new URL('index.html', dist), 'utf8');
  const paths = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]);
  return Promise.all(paths.map(async (path) => ({ path, gzipped: gzipSync(await readFile(new URL(path, dist))).length })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scripts = await initialScripts();
  const total = scripts.reduce((sum, s) => sum + s.gzipped, 0);
  const line = `initial JS: ${(total / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s); budget ${budgetBytes / 1024} KB`;
  if (scripts.length === 0 || total > budgetBytes) {
    console.error(`${line}: over budget (or no script found). Lazy-load the heavy screen (React.lazy in src/routes.tsx).`);
    process.exit(1);
  }
  console.log(line);
}
