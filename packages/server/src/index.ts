export { buildApp, type AppServices, type BuildAppOptions, type StrataApp } from './build-app.js';
export { readConfig, type ReadConfigResult, type StrataConfig } from './config.js';
export { createLogger } from './logger.js';
export { startStrata, type RunningStrata, type StartOptions } from './start-strata.js';
export { AppError, errorStatus, type ErrorCode } from './http/app-error.js';
export { startWorker, type RunningWorker } from './start-worker.js';
export { embeddedSecretKey } from './embedded-secret-key.js';
