import { api, unwrap } from '../../api/client';

export const cannedResponsesKey = ['canned-responses'] as const;
export const loadCannedResponses = () => unwrap(api.GET('/api/v1/canned-responses'));
export type CannedResponse = Awaited<ReturnType<typeof loadCannedResponses>>[number];
