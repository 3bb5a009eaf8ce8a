import type { MessageIssue } from '@strata/core';

/** One reason a request's messages were refused whole; `index` is null when the request as a whole is at fault. */
export interface RefusalIssue {
  index: number | null;
  field: string;
  code: MessageIssue['code'] | 'too-many-partitions';
  message: string;
}

/** Thrown by `ingestMessages` before it stores anything, when the request breaks one of its limits. */
export class IngestionRefusedError extends Error {
  constructor(readonly issues: RefusalIssue[]) {
    super(issues.map((i) => (i.index === null ? i.message : `[${i.index}] ${i.message}`)).join('; '));
    this.name = 'IngestionRefusedError';
  }
}
