/**
 * An origin as browsers send it in `Origin` (`https://app.example.com`, `http://127.0.0.1:5173`),
 * or `*`; undefined for anything else (a path, a query, a bare host), so settings compare exactly.
 */
export function normalizeOrigin(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  return url.origin;
}

/** Whether a page of `origin` may send events to a workspace that allows `allowed`. */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes('*') || allowed.includes(normalizeOrigin(origin) ?? '');
}
