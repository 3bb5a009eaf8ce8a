/**
 * SQL text shared by the benchmark's hand-written baselines (the plain correlated SQL and the
 * set-based SQL for DuckDB), so both state traits, windows and the predefined trial and churn
 * tests alike. `{now}` and `{ws}` are placeholders that `fillBaselineSql` replaces with literals.
 */
export const now = "TIMESTAMPTZ '{now}'";
export const ago = (interval: string) => `${now} - INTERVAL '${interval}'`;
/** A window closed at both ends, as Strata's `within last`: `now - interval <= column <= now`. */
export const withinLast = (column: string, interval: string) => `${column} >= ${ago(interval)} AND ${column} <= ${now}`;
/** A calendar day in UTC, the zone Strata's `days(...)` counts in. */
export const utcDay = (column: string) => `(${column} AT TIME ZONE 'UTC')::date`;
// Parenthesised: DuckDB binds `->>` looser than `=`.
export const trait = (alias: string, name: string) => `(${alias}.traits->>'${name}')`;
export const time = (alias: string, name: string) => `(${trait(alias, name)})::timestamptz`;
export const trial = `(${trait('a', 'status')} = 'trialing' OR ${trait('a', 'subscription_status')} = 'trialing' OR (${trait('a', 'is_trial')})::boolean = true)`;
export const churned = `(${trait('a', 'churned_at')} IS NOT NULL OR ${trait('a', 'status')} = 'churned' OR ${trait('a', 'subscription_status')} = 'canceled')`;
/** `renews_at within next 90 days`: closed at both ends, as Strata's `within next`. */
export const renewalDue = `${time('a', 'renews_at')} >= ${now} AND ${time('a', 'renews_at')} <= ${now} + INTERVAL '90 days'`;

/** Replaces the placeholders with the instant and the workspace as SQL literals. */
export function fillBaselineSql(text: string, workspaceId: string, at: Date): string {
  return text.replaceAll('{now}', at.toISOString()).replaceAll('{ws}', workspaceId);
}
