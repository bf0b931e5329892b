// subscribe() (offline) against a small graphql-transport-ws server: resuming with
// `since` after a drop, refusals, errors, and closing when the caller stops.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';

import { WebSocketServer } from 'ws';

import Stateset, { APIConnectionError, AuthenticationError, InvalidRequestError } from 'stateset';

const QUERY = 'subscription($since: ID) { events(since: $since) { id type sequence } }';
const EVENTS = Array.from({ length: 8 }, (_, i) => ({ id: `evt_${i + 1}`, type: 'customer.created', sequence: i + 1 }));

/**
 * A server holding EVENTS; `plan(connection)` says what to do on each connection:
 * { dropAfter: n } cuts the socket after n events, { slowAfter: n } ends the
 * subscriber as too slow, { error } answers an error message, else every event after
 * `since` then complete.
 */
async function server(plan = () => ({})) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => [...protocols][0] });
  const log = { connections: 0, subscribed: [], protocols: [], closes: [], pongs: 0 };
  wss.on('connection', (socket, request) => {
    log.connections += 1;
    log.protocols.push(socket.protocol);
    const what = plan(log.connections);
    socket.on('close', (code) => log.closes.push(code));
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'connection_init') {
        if (message.payload?.authorization !== 'Bearer sk_test_x') {
          socket.close(4403, 'Forbidden');
          return;
        }
        socket.send(JSON.stringify({ type: 'ping' }));
        socket.send(JSON.stringify({ type: 'connection_ack' }));
      } else if (message.type === 'pong') {
        log.pongs += 1;
      } else if (message.type === 'subscribe') {
        log.subscribed.push({ path: request.url, ...message.payload.variables });
        const send = (payload) => socket.send(JSON.stringify({ id: message.id, type: 'next', payload }));
        if (what.error) {
          socket.send(JSON.stringify({ id: message.id, type: 'error', payload: [what.error] }));
          return;
        }
        const since = message.payload.variables?.since;
        const after = EVENTS.slice(since ? EVENTS.findIndex((e) => e.id === since) + 1 : 0);
        for (const [i, event] of after.entries()) {
          if (i === what.dropAfter) {
            socket.terminate();
            return;
          }
          if (i === what.slowAfter) {
            send({
              data: null,
              errors: [{ message: 'too slow', extensions: { code: 'SUBSCRIBER_TOO_SLOW', resume_after: after[i - 1].id } }],
            });
            socket.send(JSON.stringify({ id: message.id, type: 'complete' }));
            return;
          }
          send({ data: { events: event } });
        }
        if (!what.hold) socket.send(JSON.stringify({ id: message.id, type: 'complete' }));
      }
    });
  });
  await once(wss, 'listening');
  return {
    url: `http://127.0.0.1:${wss.address().port}`,
    log,
    close: () => {
      for (const client of wss.clients) client.terminate();
      return new Promise((resolve) => wss.close(resolve));
    },
  };
}

async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

test('a dropped socket is resumed with since = the last event yielded: nothing missed or repeated', async () => {
  const api = await server((n) => (n === 1 ? { dropAfter: 3 } : n === 2 ? { dropAfter: 2 } : {}));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    const results = await collect(stateset.subscribe(QUERY, { since: null }));
    assert.deepEqual(
      results.map((r) => r.events.id),
      EVENTS.map((e) => e.id),
    );
    assert.deepEqual(
      api.log.subscribed.map((v) => v.since),
      [null, 'evt_3', 'evt_5'],
    );
    assert.ok(api.log.subscribed.every((v) => v.path === '/graphql'));
    assert.deepEqual(api.log.protocols, ['graphql-transport-ws', 'graphql-transport-ws', 'graphql-transport-ws']);
    assert.equal(api.log.pongs, 3, 'each ping answered');
  } finally {
    await api.close();
  }
});

test('a subscriber ended as too slow resumes after resume_after', async () => {
  const api = await server((n) => (n === 1 ? { slowAfter: 4 } : {}));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    const results = await collect(stateset.subscribe(QUERY, { since: 'evt_2' }));
    assert.deepEqual(
      results.map((r) => r.events.id),
      EVENTS.slice(2).map((e) => e.id),
    );
    assert.deepEqual(
      api.log.subscribed.map((v) => v.since),
      ['evt_2', 'evt_6'],
    );
  } finally {
    await api.close();
  }
});

test('a refused key throws AuthenticationError at once, without retrying', async () => {
  const api = await server();
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_nope', baseUrl: api.url });
    await assert.rejects(collect(stateset.subscribe(QUERY)), (error) => {
      assert.ok(error instanceof AuthenticationError);
      assert.match(error.message, /4403/);
      return true;
    });
    assert.equal(api.log.connections, 1);
  } finally {
    await api.close();
  }
});

test('an error message throws its class; a query without $since is not resumed', async () => {
  const refusing = await server(() => ({
    error: { message: 'Unknown field', extensions: { type: 'invalid_request_error', code: 'VALIDATION_ERROR' } },
  }));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: refusing.url });
    await assert.rejects(collect(stateset.subscribe(QUERY)), (error) => {
      assert.ok(error instanceof InvalidRequestError);
      assert.equal(error.code, 'VALIDATION_ERROR');
      return true;
    });
  } finally {
    await refusing.close();
  }
  const dropping = await server(() => ({ dropAfter: 2 }));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: dropping.url });
    const got = [];
    await assert.rejects(
      (async () => {
        for await (const r of stateset.subscribe('subscription { events { id } }')) got.push(r.events.id);
      })(),
      (error) => error instanceof APIConnectionError && /cannot resume.*\$since/.test(error.message),
    );
    assert.deepEqual(got, ['evt_1', 'evt_2']);
  } finally {
    await dropping.close();
  }
});

test('no server at all: APIConnectionError after the retries', async () => {
  const api = await server();
  await api.close();
  const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url, maxRetries: 1 });
  await assert.rejects(collect(stateset.subscribe(QUERY)), (error) => {
    assert.ok(error instanceof APIConnectionError);
    assert.match(error.message, /after 2 attempt/);
    return true;
  });
});

test('breaking out of the loop closes the socket', async () => {
  const api = await server(() => ({ hold: true }));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    for await (const result of stateset.subscribe(QUERY)) {
      if (result.events.id === 'evt_2') break;
    }
    for (let i = 0; i < 50 && !api.log.closes.length; i += 1) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(api.log.closes, [1000]);
  } finally {
    await api.close();
  }
});
