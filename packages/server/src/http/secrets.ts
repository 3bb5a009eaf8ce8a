import type { SecretBox } from '@strata/engine';
import { AppError } from './app-error.js';

/** The secret box, or a clear error naming the setting that is missing. */
export function requireSecrets(secrets: SecretBox | undefined): SecretBox {
  if (!secrets)
    throw new AppError(
      'NOT_CONFIGURED',
      'STRATA_SECRET_KEY is not set: with an external DATABASE_URL, set it to 32 random bytes (openssl rand -base64 32) and restart',
    );
  return secrets;
}
