/**
 * One logical request: building it, sending it with its retries, reading its answer.
 *
 * Every decision is made here, once: the headers, the Idempotency-Key (made for every
 * POST, PATCH and DELETE and kept across the retries, the caller's own winning), which
 * failures are retried and after how long, and which error an answer raises.
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { APIConnectionError, APIError, errorFrom } from './errors.js';
import { VERSION } from './version.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';
/** Milliseconds, as Node's timers count. */
export const DEFAULT_TIMEOUT = 30_000;
export const DEFAULT_MAX_RETRIES = 2;
const INITIAL_DELAY = 500;
const MAX_DELAY = 8_000;
// A Retry-After longer than this is not waited out in a call: the error is raised.
const MAX_RETRY_AFTER = 60_000;
const WRITES = new Set(['POST', 'PATCH', 'DELETE']);
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const OPTION_NAMES = new Set(['idempotencyKey', 'timeout', 'maxRetries', 'apiKey']);

/**
 * The client's configuration, checked once. An option left out falls back to the
 * environment (STATESET_API_KEY, STATESET_BASE_URL), then to the default.
 */
export function configOf(options = {}) {
  const apiKey = options.apiKey ?? process.env.STATESET_API_KEY ?? '';
  if (typeof apiKey !== 'string' || !apiKey) {
    throw new TypeError('apiKey is required (a key such as sk_test_...)');
  }
  const config = {
    apiKey,
    baseUrl: String(options.baseUrl ?? process.env.STATESET_BASE_URL ?? DEFAULT_BASE_URL).replace(
      /\/+$/,
      '',
    ),
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: options.fetch ?? globalThis.fetch,
  };
  checkLimits(config);
  new URL(config.baseUrl); // a bad base URL fails here, not on the first call
  return Object.freeze(config);
}

function checkLimits({ timeout, maxRetries }) {
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError('timeout is in milliseconds and must be more than 0');
  }
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError('maxRetries must be an integer, 0 or more');
  }
}

/** Per-request options (`{ idempotencyKey, timeout, maxRetries, apiKey }`), checked. */
export function optionsOf(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('request options must be an object: { idempotencyKey, timeout, maxRetries, apiKey }');
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) {
      throw new TypeError(
        `unknown request option ${JSON.stringify(name)}: the last argument takes only ` +
          'idempotencyKey, timeout, maxRetries and apiKey (parameters go in the argument before it)',
      );
    }
  }
  return options;
}

/** An id as one path segment. */
export function segment(id) {
  if (typeof id !== 'string' || !id) {
    throw new TypeError(`an id must be a non-empty string, not ${JSON.stringify(id)}`);
  }
  return encodeURIComponent(id);
}

/** A path template of the manifest (`/v1/orders/{id}/pay`) with its ids filled in. */
export function fillPath(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => segment(values[name]));
}

function queryValue(value) {
  if (Array.isArray(value)) return value.map(queryValue).join(',');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * The request, the same on every attempt: method, URL, headers (the idempotency key
 * included) and body.
 */
export function prepare(config, method, path, { query, body, options } = {}) {
  const opts = optionsOf(options);
  const merged = { ...config, ...opts };
  checkLimits(merged);
  const url = new URL(config.baseUrl + path);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.append(name, queryValue(value));
  }
  const headers = {
    authorization: `Bearer ${merged.apiKey}`,
    accept: 'application/json',
    'user-agent': `stateset-node/${VERSION}`,
  };
  let idempotencyKey = null;
  if (WRITES.has(method)) {
    idempotencyKey = opts.idempotencyKey ?? randomUUID();
    headers['idempotency-key'] = idempotencyKey;
  }
  let content;
  if (body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new TypeError('parameters must be an object of the fields REST names');
    }
    content = JSON.stringify(body);
  } else if (method === 'POST') {
    content = '{}';
  }
  if (content !== undefined) headers['content-type'] = 'application/json';
  return {
    method,
    url: url.toString(),
    headers,
    body: content,
    timeout: merged.timeout,
    maxRetries: merged.maxRetries,
    idempotencyKey,
  };
}

/** Milliseconds before retry number `retry` (0 first): 0.5 s doubling, at most 8 s, with jitter. */
export function backoff(retry, random = Math.random) {
  const delay = Math.min(INITIAL_DELAY * 2 ** retry, MAX_DELAY);
  return Math.max(INITIAL_DELAY, delay * (0.5 + random() / 2));
}

function retryAfter(headers) {
  const value = headers['retry-after'];
  if (value === undefined) return null;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) return null;
  const ms = seconds * 1000;
  return ms <= MAX_RETRY_AFTER ? ms : null;
}

/**
 * Milliseconds to wait before retrying after this attempt, or null to stop here.
 * `answer` is `{ status, headers, body }`, or `{ failure }` when no answer came.
 */
export function retryDelay(prepared, retry, answer) {
  if (retry >= prepared.maxRetries) return null;
  if (answer.failure !== undefined) return backoff(retry);
  const { status, headers, body } = answer;
  if (status === 409) {
    return body?.error?.code === 'IDEMPOTENCY_KEY_IN_USE' ? backoff(retry) : null;
  }
  if (!RETRIED_STATUSES.has(status)) return null;
  const after = retryAfter(headers);
  if (after !== null) return after;
  if (status === 429 && headers['retry-after'] !== undefined) {
    return null; // longer than a call should wait: the caller decides
  }
  return backoff(retry);
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An attempt's timeout: aborts its fetch when `ms` pass with nothing arriving. A streamed
 * body restarts it before each read and pauses it while the caller holds a chunk, so a
 * long download is bounded chunk by chunk, not as a whole.
 */
class Deadline {
  #controller = new AbortController();
  #ms;
  #timer = null;

  constructor(ms) {
    this.#ms = ms;
    this.restart();
  }

  get signal() {
    return this.#controller.signal;
  }

  restart() {
    this.pause();
    const reason = new DOMException(`nothing arrived within ${this.#ms} ms`, 'TimeoutError');
    this.#timer = setTimeout(() => this.#controller.abort(reason), this.#ms);
  }

  pause() {
    clearTimeout(this.#timer);
  }
}

/**
 * A 2xx answer's body as it arrives, one Buffer per chunk: a cut or a stall mid-way
 * throws APIConnectionError (never a retry that would yield the first bytes again);
 * stopping early (`break`, `destroy()`) cancels the body.
 */
async function* chunksOf(prepared, body, deadline) {
  const reader = body.getReader();
  let received = 0;
  let done = false;
  try {
    for (;;) {
      deadline.restart();
      let step;
      try {
        step = await reader.read();
      } catch (failure) {
        done = true;
        throw connectionError(prepared, failure, received);
      }
      deadline.pause();
      if (step.done) {
        done = true;
        return;
      }
      received += step.value.byteLength;
      yield Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
    }
  } finally {
    deadline.pause();
    if (!done) await reader.cancel().catch(() => {});
  }
}

/** One attempt: the answer, or the failure that stood for it. */
async function attempt(config, prepared) {
  const deadline = new Deadline(prepared.timeout);
  try {
    const fetch = config.fetch;
    // An upload's body is made afresh for each attempt (a stream is read once).
    const body = typeof prepared.body === 'function' ? prepared.body() : prepared.body;
    const init = {
      method: prepared.method,
      headers: prepared.headers,
      body,
      signal: deadline.signal,
      redirect: 'manual',
    };
    if (body && typeof body[Symbol.asyncIterator] === 'function') init.duplex = 'half';
    const response = await fetch(prepared.url, init);
    const headers = Object.fromEntries(response.headers);
    if (prepared.stream && response.ok) {
      // Handed over unread: each read restarts the deadline (paused below until then).
      const chunks = chunksOf(prepared, response.body, deadline);
      return { status: response.status, headers, text: '', body: chunks };
    }
    if (prepared.raw && response.ok) {
      const bytes = Buffer.from(await response.arrayBuffer());
      return { status: response.status, headers, text: '', body: bytes };
    }
    const text = await response.text();
    return { status: response.status, headers, text, body: parse(text) };
  } catch (failure) {
    return { failure };
  } finally {
    deadline.pause();
  }
}

/** No answer came after the retries; or, with `received`, a streamed answer was cut. */
function connectionError(prepared, failure, received) {
  const timedOut = failure?.name === 'TimeoutError' || failure?.name === 'AbortError';
  const cause = failure?.cause?.message ?? failure?.message ?? String(failure);
  const what =
    received === undefined
      ? `the request to ${prepared.method} ${prepared.url} ${timedOut ? 'timed out' : 'failed'} ` +
        `after ${prepared.maxRetries + 1} attempt(s)`
      : `the answer to ${prepared.method} ${prepared.url} ${timedOut ? 'stalled' : 'was cut'} ` +
        `after ${received} bytes`;
  const error = new APIConnectionError(`${what}: ${cause}`);
  error.cause = failure;
  return error;
}

/**
 * Sends the request, retrying as the rules say; resolves to `{ body, lastResponse }`
 * for a 2xx with a JSON body, rejects with the error class of the answer otherwise.
 */
export async function send(config, prepared) {
  for (let retry = 0; ; retry += 1) {
    const answer = await attempt(config, prepared);
    const delay = retryDelay(prepared, retry, answer);
    if (delay === null) {
      if (answer.failure !== undefined) throw connectionError(prepared, answer.failure);
      return read(prepared, answer);
    }
    await sleep(delay);
  }
}

/** The answer's JSON body and its lastResponse, or the error it carries, thrown. */
export function read(prepared, { status, headers, text, body }) {
  const lastResponse = {
    requestId: headers['x-request-id'] ?? null,
    httpStatus: status,
    headers,
    idempotencyKey: prepared.idempotencyKey,
  };
  if (status >= 200 && status < 300) {
    if (body === undefined) {
      throw new APIError('the answer is not JSON', {
        httpStatus: status,
        requestId: lastResponse.requestId,
        headers,
      });
    }
    return { body, lastResponse };
  }
  let error = body?.error;
  if ((!error || typeof error !== 'object') && Array.isArray(body?.errors) && body.errors.length) {
    const first = body.errors[0] ?? {};
    error = { message: first.message, ...(first.extensions ?? {}) };
  }
  if (!error || typeof error !== 'object') {
    error = { type: 'api_error', message: `HTTP ${status}: ${String(text).slice(0, 200)}` };
  }
  throw errorFrom(error, { httpStatus: status, headers });
}

/** `data` of a GraphQL answer, or its first error thrown as the REST classes are. */
export function graphqlData(body, lastResponse) {
  if (!body || typeof body !== 'object') {
    throw new APIError('the GraphQL answer is not an object', {
      requestId: lastResponse.requestId,
    });
  }
  if (Array.isArray(body.errors) && body.errors.length) {
    throw graphqlError(body.errors, lastResponse);
  }
  if (!body.data || typeof body.data !== 'object') {
    throw new APIError('the GraphQL answer has no data', { requestId: lastResponse.requestId });
  }
  return body.data;
}

/** The error class for a GraphQL `errors` list (its first error). */
export function graphqlError(errors, lastResponse = { httpStatus: null, headers: {} }) {
  const first = errors[0] && typeof errors[0] === 'object' ? errors[0] : {};
  const error = { message: first.message, ...(first.extensions ?? {}) };
  const httpStatus = Number.isInteger(error.status) ? error.status : lastResponse.httpStatus;
  return errorFrom(error, { httpStatus, headers: lastResponse.headers });
}

/** The query of the page after one: the same filters, sort and limit, at `cursor`. */
export function nextQuery(query, cursor) {
  const kept = { ...query };
  delete kept.cursor;
  delete kept.offset;
  delete kept.page;
  return { ...kept, cursor };
}

/** Attaches the answer's lastResponse to an object, out of its enumerable (REST) fields. */
export function withResponse(object, lastResponse) {
  Object.defineProperty(object, 'lastResponse', {
    value: lastResponse,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return object;
}
