import { z } from 'zod';
import { permissions, roles, type Permission } from '@strata/core';

export const roleSchema = z.enum(roles);
export const permissionSchema = z.enum(permissions as [Permission, ...Permission[]]);
export const emailSchema = z.email('must be an email address, such as ana@example.com').max(320);

const workspaceSchema = z.object({ id: z.string(), slug: z.string() });

/** What a sign-in answers (login, accepting an invitation, setup). */
export const signedInSchema = z.object({
  user: z.object({ id: z.string(), email: z.string() }),
  workspace: workspaceSchema,
  role: roleSchema,
});

export const meSchema = z.object({
  user: z.object({ id: z.string(), email: z.string() }).optional().describe('set when signed in with a session cookie'),
  key: z.object({ id: z.string(), name: z.string() }).optional().describe('set when calling with an API key'),
  workspace: workspaceSchema,
  role: roleSchema.optional().describe("the user's role in this workspace"),
  permissions: z.array(permissionSchema).describe('what this caller may do (docs/security.md has the table)'),
});

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  active: z.boolean().describe('false until the invitation is accepted (no password yet)'),
  createdAt: z.date(),
});
