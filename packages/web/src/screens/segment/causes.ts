/**
 * A membership change's cause (storage's ChangeCause, sent as a plain object) in the words a
 * support lead reads: what happened to the customer that moved them.
 */
export function causeText(cause: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '?');
  switch (cause.kind) {
    case 'event':
      return `event "${text(cause.name)}"`;
    case 'traits':
      return Array.isArray(cause.names) && cause.names.length > 0
        ? `traits changed: ${cause.names.map(text).join(', ')}`
        : 'traits changed';
    case 'membership':
      return 'joined or left an account';
    case 'merge':
      return 'profiles merged';
    case 'support':
      return 'a support ticket';
    case 'segment':
      return `segment ${text(cause.key)} changed`;
    case 'time':
      return 'time passed (a window moved)';
    case 'rule-change':
      return `rule version ${text(cause.version)}`;
    case 'recompute':
      return 'recompute';
    default:
      return typeof cause.kind === 'string' ? cause.kind : 'unknown cause';
  }
}
