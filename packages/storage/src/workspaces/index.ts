export {
  createWorkspace,
  findWorkspaceBySlug,
  listWorkspaces,
  readWorkspaceHours,
  writeBusinessHours,
  type Workspace,
} from './workspaces.js';
