/**
 * `stateset.jobs.results(id)` and `stateset.jobs.wait(id)`, written by hand on the
 * generated jobs resource (`create`, `list`, `retrieve` and `cancel` come from the
 * manifest).
 *
 * A job's results are no route of the table the manifest is made from: they are JSONL,
 * streamed, one JSON object a line (for a bulk mutation `{ line, data }` or
 * `{ line, error }` for each input line in order; for a bulk query one node a line),
 * parsed here a line at a time as the body arrives, never whole in memory.
 */

import { setTimeout as sleep } from 'node:timers/promises';

import { APIError } from './errors.js';
import { withResponse } from './request.js';
import { JobsResource as GeneratedJobsResource } from './resources.js';

/** The statuses a job ends in. */
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);
const POLL_INTERVAL = 500;
const DEFAULT_WAIT = 600_000;

function parsed(line, number, lastResponse) {
  let value;
  try {
    value = JSON.parse(line);
  } catch (failure) {
    throw new APIError(`line ${number} of the answer is not JSON: ${failure.message}`, {
      requestId: lastResponse.requestId,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new APIError(`line ${number} of the answer is not an object`, {
      requestId: lastResponse.requestId,
    });
  }
  return value;
}

/** One parsed object per line of a stream of Buffers (blank lines skipped). */
export async function* jsonLines(chunks, lastResponse) {
  const decoder = new TextDecoder();
  let pending = '';
  let number = 0;
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      if (line.trim()) yield parsed(line, ++number, lastResponse);
    }
  }
  pending += decoder.decode();
  if (pending.trim()) yield parsed(pending, ++number, lastResponse);
}

/** `stateset.jobs`: /v1/jobs, and a job's results. */
export class JobsResource extends GeneratedJobsResource {
  #client;

  constructor(client) {
    super(client);
    this.#client = client;
  }

  /**
   * The job's results as they arrive, one object per line: GET /v1/jobs/{id}/results.
   * `for await (const result of stateset.jobs.results(id))`; awaited, it resolves (once
   * the answer's headers came) to that async iterable, with its `lastResponse`. A running
   * job's results are those recorded so far; 404 once they expired.
   */
  results(id, options) {
    const opened = this.#client
      ._stream('/v1/jobs/{id}/results', { path: { id }, options })
      .then((stream) => {
        const lines = jsonLines(stream, stream.lastResponse);
        // Stopping early (break) ends the generator, which destroys the stream.
        return withResponse(lines, stream.lastResponse);
      });
    opened.catch(() => {}); // iterating consumes the failure: see pagePromise
    return Object.assign(opened, {
      async *[Symbol.asyncIterator]() {
        yield* await opened;
      },
    });
  }

  /**
   * The job once it ended (`succeeded`, `failed` or `cancelled`), retrieved every
   * `interval` ms; rejects with an Error named TimeoutError after `timeout` ms.
   */
  async wait(id, { timeout = DEFAULT_WAIT, interval = POLL_INTERVAL } = {}, options) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const job = await this.retrieve(id, options);
      if (ENDED.has(job.status)) return job;
      if (Date.now() + interval > deadline) {
        const error = new Error(
          `job ${job.id} is still ${job.status} after ${timeout} ms (${job.processed} of ${job.total} lines processed)`,
        );
        error.name = 'TimeoutError';
        throw error;
      }
      await sleep(interval);
    }
  }
}
