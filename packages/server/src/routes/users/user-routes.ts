import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Role } from '@strata/core';
import {
  addMember,
  changeMember,
  createInvitation,
  createPasswordReset,
  findMember,
  findOrCreateUser,
  inWorkspaceTransaction,
  recordAudit,
  listMembers,
  listMemberships,
  type Database,
  type Member,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { auditBy } from '../audit/index.js';
import { requirePermission, type Authenticated, type Caller } from '../../http/management-auth.js';
import { publicBase } from '../../http/public-url.js';
import { emailSchema, memberSchema, roleSchema } from './schemas.js';

/** How long an invitation link and a password reset link work. */
export const invitationLifetimeMs = 7 * 86_400_000;
export const passwordResetLifetimeMs = 3_600_000;

const idParams = z.object({ id: z.uuid('must be a user id, as GET /api/v1/users lists them') });
const view = (m: Member) => ({ id: m.userId, email: m.email, role: m.role, active: m.active, createdAt: m.createdAt });

/** Only owners may make, unmake or act on owners. */
function requireOwnerRights(caller: Caller, ...roles: (Role | undefined)[]): void {
  if (roles.includes('owner')) requirePermission(caller, 'owners:manage');
}

/** The people of a workspace and their roles: invite, list, change role, remove, reset a password. */
export function registerUserRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date; publicUrl: string | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const link = (page: 'invite' | 'reset', token: string) => `${publicBase(app, deps.publicUrl)}/${page}#${token}`;
  const requireMember = async (caller: Caller, userId: string) => {
    const member = await findMember(caller.scope, userId);
    if (!member) throw new AppError('NOT_FOUND', `user ${userId} is not a member of this workspace; GET /api/v1/users lists them`);
    return member;
  };

  api.post(
    '/users',
    {
      schema: {
        operationId: 'createUser',
        summary: 'Invite a person to this workspace with a role; answers the invitation link (an existing user is added at once)',
        tags: ['users'],
        body: z.object({ email: emailSchema, role: roleSchema }),
        errors: [409],
        response: {
          201: z.object({
            id: z.string(),
            email: z.string(),
            role: roleSchema,
            inviteUrl: z.string().nullable().describe('send it to the person; null when they already have a password and simply sign in'),
            expiresAt: z.date().nullable(),
          }),
        },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'users:manage');
      requireOwnerRights(caller, request.body.role);
      const { email, role } = request.body;
      const expiresAt = new Date(deps.now().getTime() + invitationLifetimeMs);
      const invited = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const { user } = await findOrCreateUser(tx.db, { email, passwordHash: null });
        const added = await addMember(tx, user.id, role);
        if (!added.added)
          throw new AppError(
            'CONFLICT',
            `${user.email} is already a member as ${added.role}; PATCH /api/v1/users/${user.id} changes the role`,
          );
        const invitation = user.passwordHash === null ? await createInvitation(tx, { userId: user.id, role, expiresAt }) : undefined;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'user.invited', subject: user.id, after: { role } });
        return { user, token: invitation?.token };
      });
      return reply.status(201).send({
        id: invited.user.id,
        email: invited.user.email,
        role,
        inviteUrl: invited.token === undefined ? null : link('invite', invited.token),
        expiresAt: invited.token === undefined ? null : expiresAt,
      });
    },
  );

  api.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'The members of this workspace with their roles',
        tags: ['users'],
        response: { 200: z.object({ items: z.array(memberSchema) }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'users:read');
      return { items: (await listMembers(scope)).map(view) };
    },
  );

  api.patch(
    '/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        summary: "Change a member's role; the last owner cannot be demoted",
        tags: ['users'],
        params: idParams,
        body: z.object({ role: roleSchema }),
        errors: [409],
        response: { 200: memberSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'users:manage');
      const member = await requireMember(caller, request.params.id);
      requireOwnerRights(caller, member.role, request.body.role);
      const outcome = await changeMember(caller.scope, member.userId, request.body.role);
      if (outcome === 'last-owner')
        throw new AppError('CONFLICT', `${member.email} is the last owner of this workspace; make another member owner first`);
      await inWorkspaceTransaction(caller.scope, (tx) =>
        recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'user.role-changed',
          subject: member.userId,
          before: { role: member.role },
          after: { role: request.body.role },
        }),
      );
      return view(await requireMember(caller, member.userId));
    },
  );

  api.delete(
    '/users/:id',
    {
      schema: {
        operationId: 'deleteUser',
        summary: 'Remove a member from this workspace and end their sessions here; the last owner cannot be removed',
        tags: ['users'],
        params: idParams,
        errors: [409],
        response: { 204: z.undefined().describe('Removed') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'users:manage');
      const member = await requireMember(caller, request.params.id);
      requireOwnerRights(caller, member.role);
      const outcome = await changeMember(caller.scope, member.userId, undefined);
      if (outcome === 'last-owner')
        throw new AppError('CONFLICT', `${member.email} is the last owner of this workspace; make another member owner first`);
      await inWorkspaceTransaction(caller.scope, (tx) =>
        recordAudit(tx, { ...auditBy(request, caller), kind: 'user.removed', subject: member.userId, before: { role: member.role } }),
      );
      return reply.status(204).send();
    },
  );

  api.post(
    '/users/:id/password-reset',
    {
      schema: {
        operationId: 'createPasswordReset',
        summary: 'A single-use link, valid one hour, with which the member sets a new password',
        tags: ['users'],
        params: idParams,
        errors: [409],
        response: { 200: z.object({ resetUrl: z.string(), expiresAt: z.date() }) },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'users:manage');
      const member = await requireMember(caller, request.params.id);
      requireOwnerRights(caller, member.role);
      if (!member.active) throw new AppError('CONFLICT', `${member.email} has not accepted the invitation yet; invite them again instead`);
      // A password opens every workspace of the user: an admin here may not reset one that also opens others.
      const elsewhere = (await listMemberships(caller.scope.db, member.userId)).filter((m) => m.workspaceId !== caller.scope.workspaceId);
      if (elsewhere.length > 0)
        throw new AppError(
          'FORBIDDEN',
          `${member.email} also belongs to other workspaces; they reset their own password, or an owner of each workspace agrees`,
        );
      const at = deps.now();
      const expiresAt = new Date(at.getTime() + passwordResetLifetimeMs);
      const { token } = await createPasswordReset(caller.scope.db, { userId: member.userId, at, expiresAt });
      await inWorkspaceTransaction(caller.scope, (tx) =>
        recordAudit(tx, { ...auditBy(request, caller), kind: 'user.password-reset-issued', subject: member.userId }),
      );
      return { resetUrl: link('reset', token), expiresAt };
    },
  );
}
