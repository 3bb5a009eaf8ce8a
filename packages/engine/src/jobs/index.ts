export * from './task.js';
export * from './job-runner.js';
