import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditChange } from '@strata/storage';
import type { Actor } from '../../http/management-auth.js';

/** The actor of a request as the audit log stores it: id and a label to recognise it by, never a secret. */
export function auditActor(actor: Actor): AuditActor {
  return actor.kind === 'user' ? { kind: 'user', id: actor.id, label: actor.email } : { kind: 'key', id: actor.id, label: actor.name };
}

/**
 * Who and where of an audit entry for a request: `recordAudit(tx, { ...auditBy(request, caller),
 * kind: 'user.invited', subject, after })` is the one line a route adds.
 */
export function auditBy(request: FastifyRequest, caller: { actor: Actor }): Pick<AuditChange, 'actor' | 'address'> {
  return { actor: auditActor(caller.actor), address: request.ip };
}
