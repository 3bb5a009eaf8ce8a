import { api, unwrap } from '../../api/client';

export const policiesKey = ['support-policies'] as const;
export const slaKey = ['sla-policies'] as const;
export const loadPolicies = () => unwrap(api.GET('/api/v1/support-policies'));
export const loadSlaPolicies = () => unwrap(api.GET('/api/v1/sla-policies'));
export type Policy = Awaited<ReturnType<typeof loadPolicies>>[number];
export type SlaPolicy = Awaited<ReturnType<typeof loadSlaPolicies>>[number];
export const priorities = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof priorities)[number];
