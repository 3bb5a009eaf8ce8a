import type { Kysely } from 'kysely';
import { createWorkspace, findWorkspaceBySlug, type Database, type Workspace } from '@strata/storage';

/** The workspace with this slug; created when `create` is set, otherwise a clear error. */
export async function workspaceBySlug(db: Kysely<Database>, slug: string, create = false): Promise<Workspace> {
  const found = await findWorkspaceBySlug(db, slug);
  if (found) return found;
  if (create) return createWorkspace(db, { slug });
  throw new Error(`no workspace "${slug}"; create it with: strata workspaces create ${slug}`);
}
