import { userInfo } from 'node:os';
import type { AuditChange } from '@strata/storage';

/** The audit log's actor for a CLI command: whoever runs it on the server, with no network address. */
export function byCli(command: string): Pick<AuditChange, 'actor' | 'address'> {
  return { actor: { kind: 'cli', id: userInfo().username, label: `strata ${command}` }, address: null };
}
