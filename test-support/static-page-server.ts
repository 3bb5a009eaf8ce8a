import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';

/** A page and the files it loads, served on loopback from another port than Strata's: another origin, as a customer's site is. */
export interface StaticPageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `html` at `/` and each of `files` (URL path to file on disk) as JavaScript; anything else is 404. */
export async function serveStaticPage(html: string, files: Record<string, string>): Promise<StaticPageServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = files[path];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': 'application/javascript' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('invariant: the page server listens on a TCP port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
