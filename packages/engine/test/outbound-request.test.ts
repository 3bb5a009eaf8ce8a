import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, OutboundRequestError, sendOutboundRequest } from '../src/outbound/index.js';

// Names a test resolver answers for, so no test needs a real DNS server.
const names: Record<string, Array<{ address: string; family: 4 | 6 }>> = {
  'loopback.test': [{ address: '127.0.0.1', family: 4 }],
  'loopback6.test': [{ address: '::1', family: 6 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'private.test': [{ address: '10.1.2.3', family: 4 }],
  'mixed.test': [
    { address: '93.184.215.14', family: 4 },
    { address: '192.168.1.10', family: 4 },
  ],
  'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
};
const lookup = (hostname: string) => {
  const found = names[hostname];
  return found ? Promise.resolve(found) : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
};

async function refusal(url: string, allowPrivate = false): Promise<OutboundRequestError> {
  try {
    await sendOutboundRequest(
      { url, method: 'POST', body: 'secret body', headers: { authorization: 'Bearer s3cret' } },
      { allowPrivate, lookup, timeoutMs: 2000 },
    );
  } catch (error) {
    if (error instanceof OutboundRequestError) return error;
    throw error;
  }
  throw new Error(`${url} was called`);
}

describe('refused before any connection is made', () => {
  // Each is refused for being private in one of its spellings; the WHATWG URL parser turns the
  // decimal, octal and hexadecimal IPv4 forms into dotted quads, and the check sees those.
  const refusedUrls = [
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://0x7f.0.0.1/',
    'http://127.0.0.1.:8080/',
    'http://0.0.0.0/',
    'http://0/',
    'http://[::]/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::7f00:1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://[2001::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://2852039166/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://10.0.0.1/',
    'http://10.255.255.255/',
    'http://172.16.0.1/',
    'http://172.31.255.254/',
    'http://192.168.0.1/',
    'http://100.64.0.1/',
    'http://198.18.0.1/',
    'http://192.0.2.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[fc00::1]/',
    'http://[fdff::1]/',
    'http://[fe80::1]/',
    'http://[fec0::1]/',
    'http://[ff02::1]/',
    'http://[2001:db8::1]/',
    'https://127.0.0.1:443/',
    'http://loopback.test/',
    'http://loopback6.test/',
    'http://metadata.test/',
    'http://private.test/',
    'http://mixed.test/',
    'http://mapped.test/',
  ];

  it(`refuses ${refusedUrls.length} private, loopback, link-local and metadata forms`, async () => {
    expect(refusedUrls.length).toBeGreaterThanOrEqual(40);
    for (const url of refusedUrls) {
      const error = await refusal(url);
      expect.soft(error.reason, url).toBe('private-address');
      // The error says why without the secrets of the request.
      expect(error.message).not.toMatch(/s3cret|secret body/);
    }
  });

  it('refuses localhost through the system resolver too', async () => {
    await expect(sendOutboundRequest({ url: 'http://localhost:9/' }, { allowPrivate: false })).rejects.toMatchObject({
      reason: 'private-address',
    });
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'http://user:pass@example.com/', 'not a url'])(
    'refuses %s as an invalid URL',
    async (url) => {
      expect((await refusal(url)).reason).toBe('invalid-url');
    },
  );
});

describe('the address rule', () => {
  it.each(['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700::1111', '2001:4860:4860::8888'])('allows public %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
  it.each(['127.0.0.1', '::1', '::ffff:8.8.8.8', '::8.8.8.8', 'fe80::1%eth0', 'not an address'])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});

describe('against local servers, with private addresses allowed as in tests', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      if (req.url === '/silent') return; // never answers
      if (req.url === '/huge') {
        res.writeHead(200);
        const chunk = Buffer.alloc(65_536, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < 200 && res.write(chunk)) sent++;
          if (sent < 200) res.once('drain', pump);
          else res.end();
        };
        return pump();
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${body}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reaches loopback only when allowed', async () => {
    const response = await sendOutboundRequest({ url: `${base}/echo`, method: 'POST', body: 'hello' }, { allowPrivate: true });
    expect(response).toMatchObject({ status: 200, body: 'got hello', truncated: false });
    expect((await refusal(`${base}/echo`)).reason).toBe('private-address');
  });

  it('answers a redirect as it came, without following it', async () => {
    const response = await sendOutboundRequest({ url: `${base}/redirect` }, { allowPrivate: true });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/');
  });

  it('gives up on a server that never answers', async () => {
    const started = performance.now();
    await expect(sendOutboundRequest({ url: `${base}/silent` }, { allowPrivate: true, timeoutMs: 300 })).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps at most maxResponseBytes of a huge answer', async () => {
    const response = await sendOutboundRequest({ url: `${base}/huge` }, { allowPrivate: true, maxResponseBytes: 1000 });
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(1000);
  });
});
