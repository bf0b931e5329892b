/**
 * GraphQL subscriptions over `graphql-transport-ws`, as an async iterator that resumes.
 *
 *   for await (const data of stateset.subscribe(
 *     'subscription($since: ID) { events(types: ["order.*"], since: $since) { id type sequence } }',
 *   )) { ... data.events ... }
 *
 * When the socket drops (a network cut, a server restart's 1001, or the server ending a
 * subscriber that fell behind), the iterator reconnects and subscribes again with
 * `since` set to the id of the last event it yielded: the server sends every stored event
 * after it, then live ones, so nothing is missed or repeated. That needs the query to
 * take `$since` and to select the event's `id`; a query that does not is not resumed
 * (a drop throws APIConnectionError).
 */

import { setTimeout as sleep } from 'node:timers/promises';

import { APIConnectionError, AuthenticationError, InvalidRequestError } from './errors.js';
import { backoff, graphqlError } from './request.js';

const PROTOCOL = 'graphql-transport-ws';
const OPERATION = '1';
// The server pings every 15 s: this long without a message, the socket is taken as
// silently dead (a cut no FIN announced) and the subscription resumes on a new one.
const SILENCE_LIMIT = 45_000;

/** A socket's next happening, queued until the iterator asks for it. */
class Connection {
  #events = [];
  #waiting = null;

  constructor(socket) {
    this.socket = socket;
    socket.on('message', (data) => {
      let message;
      try {
        message = JSON.parse(data.toString('utf8'));
      } catch {
        message = { type: 'unreadable' };
      }
      this.#push({ kind: 'message', message });
    });
    socket.on('close', (code, reason) => this.#push({ kind: 'closed', code, reason: String(reason) }));
    socket.on('error', (failure) => {
      this.failure = failure; // 'close' follows
    });
  }

  #push(event) {
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve(event);
    } else {
      this.#events.push(event);
    }
  }

  /** The next message or the close, whichever comes first (a `timeout` in ms closes). */
  next(timeout) {
    if (this.#events.length) return Promise.resolve(this.#events.shift());
    return new Promise((resolve) => {
      let timer;
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          this.#waiting = null;
          resolve({ kind: 'closed', code: null, reason: 'no answer in time' });
        }, timeout);
      }
      this.#waiting = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  send(message) {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close() {
    this.send({ id: OPERATION, type: 'complete' });
    this.socket.close(1000);
    // Whatever state the closing handshake ends in, the TCP socket goes soon.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }
}

function socketUrl(baseUrl) {
  const url = new URL(`${baseUrl}/graphql`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** A close that no reconnect mends: a refused key, or a protocol error of ours. */
function fatal(code, reason) {
  if (code === 4401 || code === 4403) {
    return new AuthenticationError(`the server refused the subscription socket (${code} ${reason})`, {
      code: 'WEBSOCKET_REFUSED',
    });
  }
  if (code >= 4400 && code < 4500 && code !== 4408) {
    return new InvalidRequestError(`the server closed the subscription socket (${code} ${reason})`, {
      code: 'WEBSOCKET_CLOSED',
    });
  }
  return null;
}

/** Opens a socket and waits for connection_ack; a Connection, or the reason it failed. */
async function connect(WebSocket, config) {
  const socket = new WebSocket(socketUrl(config.baseUrl), PROTOCOL, {
    handshakeTimeout: config.timeout,
  });
  const connection = new Connection(socket);
  const opened = await new Promise((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  if (!opened) {
    return { failure: connection.failure ?? new Error('the socket did not open') };
  }
  connection.send({ type: 'connection_init', payload: { authorization: `Bearer ${config.apiKey}` } });
  for (;;) {
    const event = await connection.next(config.timeout);
    if (event.kind === 'closed') {
      socket.terminate();
      const refused = fatal(event.code, event.reason);
      if (refused) throw refused;
      return { failure: new Error(`closed before connection_ack (${event.code} ${event.reason})`) };
    }
    if (event.message.type === 'ping') connection.send({ type: 'pong' });
    else if (event.message.type === 'connection_ack') return { connection };
  }
}

/** `ws`, the one dependency, loaded only by subscribe(). */
async function webSocketClass() {
  try {
    return (await import('ws')).default;
  } catch (failure) {
    const error = new Error(
      "subscribe() needs the 'ws' package, which is not installed where stateset is: " +
        'npm install ws (a folder installed with `npm install ./sdks/node` is linked, and ' +
        'its dependencies come from its own node_modules: run npm ci there, or install ' +
        'with --install-links)',
    );
    error.cause = failure;
    throw error;
  }
}

/** The id of the event a result carries (`data.events.id`), if any. */
function eventId(data) {
  for (const value of Object.values(data ?? {})) {
    if (value && typeof value === 'object' && typeof value.id === 'string') return value.id;
  }
  return null;
}

/**
 * @param {object} config the client's configuration (apiKey, baseUrl, timeout, maxRetries)
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 */
export async function* subscribe(config, query, variables = {}) {
  if (typeof query !== 'string' || !query.trim()) {
    throw new TypeError('query must be a GraphQL subscription document');
  }
  const WebSocket = await webSocketClass();
  const resumable = /\$since\b/.test(query);
  const current = { ...variables };
  let failures = 0; // connections that could not be made, in a row
  let quiet = 0; // connections in a row that dropped before yielding anything
  for (;;) {
    const { connection, failure } = await connect(WebSocket, config);
    if (!connection) {
      if (failures >= config.maxRetries) {
        const error = new APIConnectionError(
          `the subscription socket to ${socketUrl(config.baseUrl)} failed after ` +
            `${failures + 1} attempt(s): ${failure?.message ?? failure}`,
        );
        error.cause = failure;
        throw error;
      }
      await sleep(backoff(failures));
      failures += 1;
      continue;
    }
    failures = 0;
    let dropped = null;
    let yielded = false;
    try {
      connection.send({ id: OPERATION, type: 'subscribe', payload: { query, variables: current } });
      for (;;) {
        const event = await connection.next(SILENCE_LIMIT);
        if (event.kind === 'closed') {
          const refused = fatal(event.code, event.reason);
          if (refused) throw refused;
          dropped = `the socket closed (${event.code ?? 'no code'} ${event.reason})`;
          break;
        }
        const { type, payload } = event.message;
        if (type === 'ping') {
          connection.send({ type: 'pong' });
        } else if (type === 'next') {
          const slow = payload?.errors?.find((e) => e?.extensions?.code === 'SUBSCRIBER_TOO_SLOW');
          if (slow && resumable) {
            current.since = slow.extensions.resume_after ?? current.since;
            dropped = 'the server ended this subscriber, which fell behind';
            break;
          }
          if (payload?.errors?.length) throw graphqlError(payload.errors);
          const id = eventId(payload?.data);
          if (id !== null) current.since = id;
          yielded = true;
          yield payload?.data ?? {};
        } else if (type === 'error') {
          throw graphqlError(Array.isArray(payload) && payload.length ? payload : [{ message: 'subscription refused' }]);
        } else if (type === 'complete') {
          return;
        }
      }
    } finally {
      connection.close();
    }
    if (!resumable) {
      throw new APIConnectionError(
        `${dropped}; this subscription cannot resume: declare a $since variable and pass ` +
          'it to since (events(since: $since)) for the SDK to resume with no gap',
      );
    }
    quiet = yielded ? 0 : quiet + 1;
    await sleep(backoff(quiet));
  }
}
