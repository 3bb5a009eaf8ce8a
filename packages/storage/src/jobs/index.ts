export * from './job-queue.js';
export * from './job-leases.js';
