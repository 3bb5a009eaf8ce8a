import createClient from 'openapi-fetch';
import type { paths } from './openapi';

/**
 * The typed client of Strata's API: paths, parameters and answers come from the server's OpenAPI
 * document (openapi.d.ts, generated at build). Same-origin fetches carry the session cookie, and
 * browsers add the Origin header Strata's CSRF check wants on writes.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

/** A failed call, as the server's error body says it: `{"error":{code,message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before trying again (429, 503), from Retry-After. */
    readonly retryAfterSeconds: number | undefined,
    /** What the answer's `error.details` says, such as the issues of a refused model, each naming its field. */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function errorOf(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : 'HTTP_' + String(response.status),
    typeof error?.message === 'string' ? error.message : `Strata answered ${response.status} ${response.statusText}`,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    error?.details,
  );
}

/** The answer's data, or an ApiError: `const me = await unwrap(api.GET('/api/v1/auth/me'))`. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorOf(response, error);
  return data as T;
}
