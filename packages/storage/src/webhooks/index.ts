export * from './webhook-store.js';
