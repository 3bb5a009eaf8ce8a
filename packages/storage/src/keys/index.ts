export {
  apiKeyScopes,
  createApiKey,
  findApiKeyBySecret,
  listApiKeys,
  minimumSecretLength,
  revokeApiKey,
  touchApiKey,
  type ApiKey,
  type ApiKeyScope,
} from './api-keys.js';
