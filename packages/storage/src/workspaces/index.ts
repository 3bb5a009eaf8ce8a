export {
  createWorkspace,
  findWorkspaceById,
  findWorkspaceBySlug,
  listWorkspaces,
  readWorkspaceHours,
  writeBusinessHours,
  type Workspace,
} from './workspaces.js';
