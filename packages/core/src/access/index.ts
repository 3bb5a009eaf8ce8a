export {
  apiKeyScopePermissions,
  apiKeyScopes,
  isRole,
  permissionKinds,
  permissions,
  permissionsOfScopes,
  rolePermissions,
  roles,
  type ApiKeyScope,
  type Permission,
  type PermissionKind,
  type Role,
} from './permissions.js';
