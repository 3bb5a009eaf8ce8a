/** Where to go after signing in: the page asked for, if it is one of ours (never another site). */
export function nextPage(search: URLSearchParams): string {
  const next = search.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/segments';
}
