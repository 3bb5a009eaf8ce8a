export * from './registries.js';
export * from './background-runtime.js';
