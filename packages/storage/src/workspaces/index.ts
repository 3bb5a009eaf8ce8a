export {
  createWorkspace,
  findDatabaseTimezone,
  findWorkspaceById,
  findWorkspaceBySlug,
  listWorkspaces,
  lockWorkspace,
  readWorkspaceHours,
  updateWorkspace,
  writeBusinessHours,
  type Workspace,
} from './workspaces.js';
