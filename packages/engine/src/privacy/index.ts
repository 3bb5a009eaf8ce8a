export { erasePerson, type Erasure } from './erase-person.js';
export { eventRetentionTask } from './event-retention-task.js';
export { identifierHash, messageIdentifiers } from './identifier-hash.js';
export { withoutSuppressed } from './suppression-filter.js';
