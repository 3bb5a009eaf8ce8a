export { listAuditEntries, recordAudit, type AuditActor, type AuditChange, type AuditEntry, type AuditFilter } from './audit-log.js';
export { redactSecrets, redacted } from './redact-secrets.js';
