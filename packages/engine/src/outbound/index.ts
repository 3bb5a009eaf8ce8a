export * from './address-policy.js';
export * from './outbound-request.js';
