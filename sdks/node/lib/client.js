/**
 * The client: `new Stateset({ apiKey, baseUrl, timeout, maxRetries })`, its resources
 * (emitted from the manifest into resources.js), `graphql()` and `subscribe()`.
 */

import { Readable } from 'node:stream';

import { BatchResource, FilesResource } from './bulk.js';
import { errors } from './errors.js';
import { JobsResource } from './jobs.js';
import { Page, pagePromise } from './page.js';
import {
  configOf,
  fillPath,
  graphqlData,
  nextQuery,
  optionsOf,
  prepare,
  send,
  withResponse,
} from './request.js';
import { Resources } from './resources.js';
import { subscribe } from './subscribe.js';
import { VERSION } from './version.js';
import { webhooks } from './webhooks.js';

export class Stateset extends Resources {
  static VERSION = VERSION;
  static errors = errors;
  static webhooks = webhooks;

  #config;

  /**
   * @param {object | string} [options] `{ apiKey, baseUrl, timeout, maxRetries }`, or the API key
   * @param {object} [more] the other options when the first argument is the key
   */
  constructor(options = {}, more = {}) {
    super();
    this.#config = configOf(typeof options === 'string' ? { ...more, apiKey: options } : options);
    this.batch = new BatchResource(this);
    this.files = new FilesResource(this);
    this.jobs = new JobsResource(this);
  }

  /** The configuration in force (the API key is not shown). */
  get config() {
    const { apiKey, fetch, ...shown } = this.#config;
    return shown;
  }

  /**
   * One REST call answering an object; resolves to it, with its lastResponse. `template`
   * is the route's path as the manifest has it, `path` its ids by name.
   */
  async _request(method, template, { path, query, body, options } = {}) {
    const url = fillPath(template, path);
    const prepared = prepare(this.#config, method, url, { query, body, options });
    const answer = await send(this.#config, prepared);
    return withResponse(answer.body, answer.lastResponse);
  }

  /**
   * POST /v1/files with a multipart form (bulk.js); a form whose bytes cannot be read
   * again is sent once.
   */
  async _upload(form, options) {
    const prepared = prepare(this.#config, 'POST', '/v1/files', { options });
    const answer = await send(this.#config, {
      ...prepared,
      headers: { ...prepared.headers, 'content-type': form.contentType },
      body: form.body,
      maxRetries: form.rewindable ? prepared.maxRetries : 0,
    });
    return withResponse(answer.body, answer.lastResponse);
  }

  /** One REST call answering bytes: resolves to a Buffer. */
  async _bytes(template, { path, options } = {}) {
    const prepared = prepare(this.#config, 'GET', fillPath(template, path), { options });
    const answer = await send(this.#config, { ...prepared, raw: true });
    return answer.body;
  }

  /**
   * One REST call whose 2xx answer is read as it arrives: resolves, once its headers
   * came, to a Readable of its body's Buffers, with its lastResponse.
   */
  async _stream(template, { path, options } = {}) {
    const prepared = prepare(this.#config, 'GET', fillPath(template, path), { options });
    const answer = await send(this.#config, { ...prepared, stream: true });
    return withResponse(Readable.from(answer.body, { objectMode: false }), answer.lastResponse);
  }

  /** One REST call answering a list: the promise of its first page, iterable over every page. */
  _list(method, template, { path, query, options } = {}) {
    const fetchPage = async (filters) => {
      const prepared = prepare(this.#config, method, fillPath(template, path), {
        query: filters,
        options,
      });
      const { body, lastResponse } = await send(this.#config, prepared);
      return new Page(body, lastResponse, (cursor) => fetchPage(nextQuery(filters, cursor)));
    };
    const first = async () => {
      if (query !== undefined && query !== null && (typeof query !== 'object' || Array.isArray(query))) {
        throw new TypeError('list parameters must be an object of the filters REST names');
      }
      return fetchPage({ ...(query ?? {}) });
    };
    return pagePromise(first());
  }

  /** Runs one GraphQL operation; resolves to its `data`, or rejects with its first error's class. */
  async graphql(query, variables, options) {
    const payload = { query };
    if (variables !== undefined && variables !== null) payload.variables = variables;
    const prepared = prepare(this.#config, 'POST', '/graphql', { body: payload, options });
    const { body, lastResponse } = await send(this.#config, prepared);
    return withResponse(graphqlData(body, lastResponse), lastResponse);
  }

  /**
   * An async iterator over a GraphQL subscription's results (each `data`), resuming an
   * `events` subscription with `since` after a dropped socket.
   */
  subscribe(query, variables, options) {
    const config = { ...this.#config };
    const overrides = optionsOf(options);
    for (const name of ['apiKey', 'timeout', 'maxRetries']) {
      if (overrides[name] !== undefined) config[name] = overrides[name];
    }
    return subscribe(config, query, variables ?? {});
  }
}
