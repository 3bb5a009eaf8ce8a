export * from './subscriber.js';
export * from './subscriber-runner.js';
