import type { Browser, Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (a development dependency; nothing is downloaded). */
const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The bench server's owner, who signs in to the web UI (STRATA_BOOTSTRAP_ADMIN_EMAIL and _PASSWORD). */
export const benchOwner = { email: 'bench-owner@example.com', password: 'bench owner password' } as const;
export const benchOwnerEnv = { STRATA_BOOTSTRAP_ADMIN_EMAIL: benchOwner.email, STRATA_BOOTSTRAP_ADMIN_PASSWORD: benchOwner.password };

export interface PageTimings {
  p50: number;
  max: number;
  runs: number[];
}

/**
 * Loads /segments `loads` times in Chromium, signed in as the owner, and times each load from the
 * navigation's start (the page's time origin) to the table showing every segment with its size,
 * and to every row's sparkline being drawn. The page records the first moment each holds, checked
 * every animation frame, so the second is not delayed by waiting for the first.
 */
export async function measureSegmentsList(
  url: string,
  segments: number,
  loads = 5,
): Promise<{ list: PageTimings; sparklines: PageTimings }> {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('the web step needs playwright-core (a development dependency): run npm install');
  }
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, url);
    const list: number[] = [];
    const sparklines: number[] = [];
    for (let load = 0; load < loads; load++) {
      await page.goto(`${url}/segments`, { waitUntil: 'commit' });
      const [rowsAt, linesAt] = await withTimeout(page.evaluate(firstMoments, segments), 120_000, 'the segments list did not show');
      list.push(rowsAt);
      sparklines.push(linesAt);
    }
    return { list: timings(list), sparklines: timings(sparklines) };
  } finally {
    await browser.close();
  }
}

/** What firstMoments uses of the page (the CLI is compiled without the DOM's types). */
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<{ children: ArrayLike<{ textContent: string | null }> }> };
  performance: { now(): number };
  requestAnimationFrame(callback: () => void): void;
}

/**
 * Runs in the page (passed as a function: the page's CSP refuses evaluating strings), checking at
 * every animation frame: notes when every segment's row shows its size and when every row's
 * sparkline is drawn, in milliseconds since the navigation started, and answers both once both
 * have happened.
 */
function firstMoments(expected: number): Promise<[number, number]> {
  const page = globalThis as unknown as PageGlobals;
  return new Promise((resolve) => {
    let rowsAt: number | undefined;
    let linesAt: number | undefined;
    const check = () => {
      const rows = Array.from(page.document.querySelectorAll('table[aria-label="Segments"] tbody tr'));
      const sized = rows.length === expected && rows.every((row) => /\d/.test(row.children[3]?.textContent ?? ''));
      if (rowsAt === undefined && sized) rowsAt = page.performance.now();
      const lines = page.document.querySelectorAll('table[aria-label="Segments"] svg.sparkline[role="img"]').length;
      if (linesAt === undefined && lines === expected) linesAt = page.performance.now();
      if (rowsAt !== undefined && linesAt !== undefined) resolve([rowsAt, linesAt]);
      else page.requestAnimationFrame(check);
    };
    check();
  });
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email').fill(benchOwner.email);
  await page.getByLabel('Password').fill(benchOwner.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${url}/segments`, { timeout: 60_000 });
}

/**
 * The list's two requests alone, one after another (`loads` times each), with the admin key and no
 * browser: how much of a load is the server's.
 */
export async function timeListRequests(
  url: string,
  adminKey: string,
  loads = 5,
): Promise<{ segments: PageTimings; activity: PageTimings }> {
  const time = async (path: string) => {
    const runs: number[] = [];
    for (let i = 0; i < loads; i++) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      runs.push(performance.now() - started);
    }
    return timings(runs);
  };
  return { segments: await time('/api/v1/segments'), activity: await time('/api/v1/segment-activity?days=30') };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function timings(runs: number[]): PageTimings {
  const sorted = [...runs].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v);
  return { p50: round(sorted[Math.floor((sorted.length - 1) / 2)] ?? 0), max: round(sorted.at(-1) ?? 0), runs: runs.map(round) };
}
