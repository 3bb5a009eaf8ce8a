import { ApiError } from '../../api/client';

function wait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** What a failed sign-in tells the person: the reason, and for throttling how long to wait. */
export function signInErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Strata did not answer; check that it is running and try again.';
  if (error.status === 401) return 'Email or password is wrong.';
  if (error.status === 429)
    return `Too many failed sign-ins. Try again in ${error.retryAfterSeconds ? wait(error.retryAfterSeconds) : 'a few minutes'}.`;
  return error.message;
}
