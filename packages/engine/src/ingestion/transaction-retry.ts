/** SQLSTATEs after which the whole transaction can simply run again. */
const retryable = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

/** Runs `work`, retrying a few times when PostgreSQL aborted it for a deadlock or serialisation conflict. */
export async function withTransactionRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || code === undefined || !retryable.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
    }
  }
}
