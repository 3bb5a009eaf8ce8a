import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core drives it (no browser download happens here). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Flags for this machine's closed network: without the background-networking ones Chromium keeps
 * trying Google's hosts. Running as root (CI, the sandboxes here) needs --no-sandbox.
 */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium with the flags above. playwright-core gives each launch a new empty profile
 * (--user-data-dir in a temporary folder) and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `${chromiumPath} is missing: the web UI's browser tests need Debian's Chromium. Install it with: apt-get install -y chromium`,
    );
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page and answers its serious and critical violations, each as one line
 * (rule, help, the first elements). axe is evaluated through the DevTools protocol, which the
 * page's CSP (no inline scripts) does not apply to. A screen caught mid-transition (a colour
 * fading in for 150 ms) can fail contrast for a frame: what counts is the screen at rest, so a
 * failing check is run once more after a second and only what is still wrong is answered.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(await axeSource);
  const first = await runAxe(page);
  if (first.length === 0) return first;
  await page.waitForTimeout(1000);
  return runAxe(page);
}

async function runAxe(page: Page): Promise<string[]> {
  const violations = await page.evaluate(async () => {
    const inPage = globalThis as unknown as { axe: { run(context: unknown): Promise<{ violations: AxeViolation[] }> }; document: unknown };
    return (await inPage.axe.run(inPage.document)).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}`,
    );
}
