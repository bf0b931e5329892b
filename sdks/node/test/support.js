// What the tests share: the live server's variables, a stub API on a real socket, and a
// fetch that counts. (node --test runs every file of test/; this one has no test.)

import { once } from 'node:events';
import { createServer } from 'node:http';

const LIVE = [
  'STATESET_BASE_URL',
  'STATESET_API_KEY',
  'STATESET_PAGING_API_KEY',
  'STATESET_LOSING_URL',
  'STATESET_LIMITED_URL',
  'STATESET_WEBHOOK_FILE',
  'STATESET_CUT_URL',
  'STATESET_CUT_CONTROL',
];

/** The live server's variables, or null when STATESET_BASE_URL is unset. */
export function live() {
  if (!process.env.STATESET_BASE_URL) return null;
  const missing = LIVE.filter((name) => !process.env[name]);
  if (missing.length) throw new Error(`STATESET_BASE_URL is set but not ${missing.join(', ')}`);
  return Object.fromEntries(LIVE.map((name) => [name, process.env[name]]));
}

/** The `skip` option of a live test: false, or why it cannot run. */
export const skipOffline = process.env.STATESET_BASE_URL
  ? false
  : `needs a live server: set ${LIVE.join(', ')} (the conformance harness does)`;

/**
 * A stub API: `answer(request, body)` returns `{ status, headers, body }` (body an object
 * sent as JSON), `{ raw: [parts] }` for a 200 written in those parts, 'drop' to close the
 * connection with no answer, or 'cut' to close it six bytes into a 200's body. `seen` holds every
 * request: method, url, headers, body.
 */
export async function stub(answer) {
  const seen = [];
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const entry = { method: request.method, url: request.url, headers: request.headers, body: text };
    seen.push(entry);
    const reply = await answer(entry, seen.length);
    if (reply === 'drop') {
      request.socket.destroy();
      return;
    }
    if (reply === 'cut') {
      // A 200 promising 100 bytes that sends 6 and closes the connection.
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100' });
      response.write('abcdef');
      setTimeout(() => request.socket.destroy(), 50);
      return;
    }
    if (reply.raw) {
      // A 200 whose body is written in these parts, each flushed as a chunk of its own.
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const part of reply.raw) {
        response.write(part);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      response.end();
      return;
    }
    const raw = JSON.stringify(reply.body ?? {});
    response.writeHead(reply.status ?? 200, {
      'content-type': 'application/json',
      'x-request-id': `req_stub_${seen.length}`,
      ...(reply.headers ?? {}),
    });
    response.end(raw);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A fetch that counts what it sends: `counting.sent` holds each URL. */
export function countingFetch() {
  const sent = [];
  const counted = (url, init) => {
    sent.push(String(url));
    return fetch(url, init);
  };
  counted.sent = sent;
  return counted;
}

/** An error body as the API writes it. */
export function errorBody(type, code, extra = {}) {
  return {
    error: {
      type,
      code,
      message: `${code} happened`,
      param: null,
      details: [],
      request_id: 'req_from_body',
      ...extra,
    },
  };
}

export const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' };

export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
