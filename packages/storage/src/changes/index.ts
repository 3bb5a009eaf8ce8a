export * from './change-cursors.js';
export * from './segment-change-log.js';
