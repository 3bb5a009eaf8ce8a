import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('replaces secret fields at any depth, in arrays too, and keeps everything else', () => {
    const input = {
      url: 'https://example.com/hook',
      secret: 'whsec_abc',
      settings: { host: 'smtp.example.com', password: 'hunter2', nested: [{ apiKey: 'k1', name: 'a' }, { client_secret: 'cs' }] },
      steps: [{ type: 'webhook', url: 'https://x', secret: 'step-secret' }],
      Token: 'tok',
      'access-token': 'at',
      count: 3,
      none: null,
    };
    expect(redactSecrets(input)).toEqual({
      url: 'https://example.com/hook',
      secret: '[redacted]',
      settings: {
        host: 'smtp.example.com',
        password: '[redacted]',
        nested: [{ apiKey: '[redacted]', name: 'a' }, { client_secret: '[redacted]' }],
      },
      steps: [{ type: 'webhook', url: 'https://x', secret: '[redacted]' }],
      Token: '[redacted]',
      'access-token': '[redacted]',
      count: 3,
      none: null,
    });
  });

  it('leaves the input untouched and passes scalars through', () => {
    const input = { password: 'p' };
    redactSecrets(input);
    expect(input.password).toBe('p');
    expect(redactSecrets('text')).toBe('text');
    expect(redactSecrets(null)).toBe(null);
  });
});
