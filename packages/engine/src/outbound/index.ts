export * from './address-policy.js';
export * from './outbound-request.js';
export * from './public-host.js';
