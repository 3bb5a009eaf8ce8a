import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addMember,
  anyUserExists,
  deleteSessionByToken,
  deleteSetupTokens,
  deleteUserSessions,
  findMember,
  findOrCreateUser,
  findUserByEmail,
  findUserById,
  findWorkspaceById,
  listMemberships,
  setUserPassword,
  takeInvitation,
  takePasswordReset,
  takeSetupToken,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Identified } from '../../http/management-auth.js';
import { requireSameOriginWhenSent } from '../../http/same-origin.js';
import { clearSessionCookie, sessionToken } from '../../http/session-cookie.js';
import { clearFailedLogins, recordFailedLogin, refuseWhenThrottled } from './login-throttle.js';
import { hashPassword, maximumPasswordLength, newPasswordSchema, spendPasswordWork, verifyPassword } from './passwords.js';
import { emailSchema, meSchema, signedInSchema } from './schemas.js';
import { signIn, type SignInDeps } from './sign-in.js';

const wrongCredentials = 'email or password is wrong';
const noContent = { 204: z.undefined().describe('Done') };
const tokenSchema = z.string().min(1).max(200).describe('the part of the link after #');

/** Sign-in, sign-out, who am I, and the links that set a password (invitations, resets, first setup). */
export function registerAuthRoutes(app: FastifyInstance, deps: SignInDeps & { identify: Identified }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/auth/login',
    {
      schema: {
        operationId: 'login',
        summary: 'Sign in with email and password: sets the strata_session cookie',
        tags: ['auth'],
        security: [],
        body: z.object({
          email: z.string().max(320),
          password: z.string().max(maximumPasswordLength),
          workspace: z.string().max(100).optional().describe('the slug of the workspace to enter; the oldest membership when left out'),
        }),
        errors: [429],
        response: { 200: signedInSchema },
      },
    },
    async (request, reply) => {
      requireSameOriginWhenSent(request, deps.publicUrl);
      const db = deps.db();
      const at = deps.now();
      const who = { email: request.body.email, address: request.ip };
      await refuseWhenThrottled(db, who, at);
      const user = await findUserByEmail(db, request.body.email);
      const ok = user?.passwordHash
        ? await verifyPassword(request.body.password, user.passwordHash)
        : await spendPasswordWork(request.body.password);
      if (!user || !ok) {
        await recordFailedLogin(db, who, at);
        throw new AppError('UNAUTHORIZED', wrongCredentials);
      }
      await clearFailedLogins(db, request.body.email);
      const memberships = await listMemberships(db, user.id);
      const wanted = request.body.workspace;
      const membership = wanted === undefined ? memberships[0] : memberships.find((m) => m.slug === wanted);
      if (!membership)
        throw new AppError(
          'FORBIDDEN',
          memberships.length === 0
            ? 'you belong to no workspace; ask an admin of one to add you'
            : `you are not a member of workspace "${wanted}"; yours: ${memberships.map((m) => m.slug).join(', ')}`,
        );
      return signIn(deps, request, reply, { user, workspaceId: membership.workspaceId, role: membership.role });
    },
  );

  api.post(
    '/auth/logout',
    {
      schema: { operationId: 'logout', summary: 'Sign out: ends this session and clears its cookie', tags: ['auth'], response: noContent },
    },
    async (request, reply) => {
      const caller = await deps.identify(request);
      const token = sessionToken(request);
      if (!caller.session || token === undefined)
        throw new AppError('INVALID_INPUT', 'sign-out ends a session cookie; an API key is revoked with: strata keys revoke');
      await deleteSessionByToken(deps.db(), token);
      clearSessionCookie(request, reply, deps.publicUrl);
      return reply.status(204).send();
    },
  );

  api.post(
    '/auth/logout-everywhere',
    {
      schema: {
        operationId: 'logoutEverywhere',
        summary: 'Sign out everywhere: ends every session of the signed-in user, in every workspace',
        tags: ['auth'],
        response: { 200: z.object({ sessionsEnded: z.number() }) },
      },
    },
    async (request, reply) => {
      const caller = await deps.identify(request);
      if (!caller.session)
        throw new AppError('INVALID_INPUT', 'sign-out everywhere ends the sessions of a signed-in user; an API key has none');
      const sessionsEnded = await deleteUserSessions(deps.db(), caller.session.userId);
      clearSessionCookie(request, reply, deps.publicUrl);
      return { sessionsEnded };
    },
  );

  api.get(
    '/auth/me',
    {
      schema: {
        operationId: 'me',
        summary: 'Who is calling: the signed-in user (or API key), its workspace, role and permissions',
        tags: ['auth'],
        response: { 200: meSchema },
      },
    },
    async (request) => {
      const caller = await deps.identify(request);
      const workspace = await findWorkspaceById(caller.scope.db, caller.scope.workspaceId);
      if (!workspace) throw new AppError('UNAUTHORIZED', 'the workspace of this credential no longer exists');
      return {
        ...(caller.actor.kind === 'user'
          ? { user: { id: caller.actor.id, email: caller.actor.email } }
          : { key: { id: caller.actor.id, name: caller.actor.name } }),
        workspace: { id: workspace.id, slug: workspace.slug },
        ...(caller.role ? { role: caller.role } : {}),
        permissions: [...caller.permissions],
      };
    },
  );

  api.post(
    '/auth/invitations/accept',
    {
      schema: {
        operationId: 'acceptInvitation',
        summary: 'Accept an invitation: sets the password of a new user and signs in',
        tags: ['auth'],
        security: [],
        body: z.object({ token: tokenSchema, password: newPasswordSchema }),
        errors: [410],
        response: { 200: signedInSchema },
      },
    },
    async (request, reply) => {
      requireSameOriginWhenSent(request, deps.publicUrl);
      const passwordHash = await hashPassword(request.body.password);
      const db = deps.db();
      const accepted = await db.transaction().execute(async (tx) => {
        const taken = await takeInvitation(tx, request.body.token, deps.now());
        if (taken.status === 'unknown') throw new AppError('NOT_FOUND', 'token: no invitation has this token; check the link');
        if (taken.status !== 'taken')
          throw new AppError(
            'GONE',
            `token: this invitation was ${taken.status === 'used' ? 'already accepted' : 'not accepted in time'}; ask an admin for a new one`,
          );
        const user = await findUserById(tx, taken.userId);
        if (!user) throw new AppError('GONE', 'token: the invited user was removed; ask an admin for a new invitation');
        if (user.passwordHash === null) await setUserPassword(tx, user.id, passwordHash);
        // A user who set a password through another invitation proves it here rather than replacing it.
        else if (!(await verifyPassword(request.body.password, user.passwordHash)))
          throw new AppError('UNAUTHORIZED', 'you already have a password: enter it to accept this invitation');
        // The role as it is now: an admin may have changed it since inviting.
        const member = await findMember({ db: tx, workspaceId: taken.workspaceId }, user.id);
        if (!member) throw new AppError('GONE', 'token: you were removed from this workspace; ask an admin for a new invitation');
        return { user, workspaceId: taken.workspaceId, role: member.role };
      });
      return signIn(deps, request, reply, accepted);
    },
  );

  api.post(
    '/auth/password-reset',
    {
      schema: {
        operationId: 'resetPassword',
        summary: 'Set a new password with a single-use reset link; ends every session of the user',
        tags: ['auth'],
        security: [],
        body: z.object({ token: tokenSchema, password: newPasswordSchema }),
        errors: [410],
        response: { 200: z.object({ user: z.object({ id: z.string(), email: z.string() }) }) },
      },
    },
    async (request) => {
      requireSameOriginWhenSent(request, deps.publicUrl);
      const passwordHash = await hashPassword(request.body.password);
      const user = await deps
        .db()
        .transaction()
        .execute(async (tx) => {
          const taken = await takePasswordReset(tx, request.body.token, deps.now());
          if (taken.status === 'unknown') throw new AppError('NOT_FOUND', 'token: no password reset has this token; check the link');
          if (taken.status !== 'taken')
            throw new AppError(
              'GONE',
              `token: this reset link was ${taken.status === 'used' ? 'already used' : 'not used in time'}; ask an admin for a new one`,
            );
          const found = await findUserById(tx, taken.userId);
          if (!found) throw new AppError('GONE', 'token: the user was removed');
          await setUserPassword(tx, found.id, passwordHash);
          await deleteUserSessions(tx, found.id);
          return found;
        });
      await clearFailedLogins(deps.db(), user.email);
      return { user: { id: user.id, email: user.email } };
    },
  );

  api.post(
    '/auth/setup',
    {
      schema: {
        operationId: 'setup',
        summary: 'First start: create the owner of the default workspace with the one-time setup token Strata printed',
        tags: ['auth'],
        security: [],
        body: z.object({ token: tokenSchema, email: emailSchema, password: newPasswordSchema }),
        errors: [409],
        response: { 200: signedInSchema },
      },
    },
    async (request, reply) => {
      requireSameOriginWhenSent(request, deps.publicUrl);
      const passwordHash = await hashPassword(request.body.password);
      const owner = await deps
        .db()
        .transaction()
        .execute(async (tx) => {
          if (await anyUserExists(tx)) throw new AppError('CONFLICT', 'setup is done: a user exists; sign in with POST /api/v1/auth/login');
          const workspaceId = await takeSetupToken(tx, request.body.token);
          if (workspaceId === undefined) throw new AppError('NOT_FOUND', 'token: not the setup token Strata printed at first start');
          const { user } = await findOrCreateUser(tx, { email: request.body.email, passwordHash });
          await addMember({ db: tx, workspaceId }, user.id, 'owner');
          await deleteSetupTokens(tx);
          return { user, workspaceId };
        });
      return signIn(deps, request, reply, { ...owner, role: 'owner' });
    },
  );
}
