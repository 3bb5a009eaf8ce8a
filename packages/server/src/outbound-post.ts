import { sendOutboundRequest, type TaskServices } from '@strata/engine';
import type { StrataConfig } from './config.js';

/** How background tasks post: through the outbound guard, private networks as configured. */
export function outboundPost(config: StrataConfig): TaskServices['post'] {
  return async (request) => {
    const response = await sendOutboundRequest(
      { url: request.url, method: 'POST', headers: request.headers, body: request.body },
      { allowPrivate: config.allowPrivateWebhooks, timeoutMs: 10_000, maxResponseBytes: 16_384 },
    );
    return { status: response.status, body: response.body };
  };
}

/** How background tasks call help-desk APIs: any method, through the same guard, with the answer's headers. */
export function outboundSend(config: Pick<StrataConfig, 'allowPrivateWebhooks'>): NonNullable<TaskServices['send']> {
  return async (request) => {
    const response = await sendOutboundRequest(request, {
      allowPrivate: config.allowPrivateWebhooks,
      timeoutMs: 10_000,
      maxResponseBytes: 16_384,
    });
    return { status: response.status, headers: response.headers, body: response.body };
  };
}
