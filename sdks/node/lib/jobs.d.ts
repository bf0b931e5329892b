import type { LastResponse, RequestOptions, Response } from './core.js';
import type { Job } from './types.js';

/** One line of a bulk mutation's results: its input line's `data`, or its `error`. */
export interface JobLineResult {
  /** The input line, from 1. */
  line: number;
  data?: Record<string, any>;
  error?: Record<string, any>;
}

/** A job's results as they arrive, one object a line, and the answer's lastResponse. */
export type JobResults<T = Record<string, any>> = AsyncIterable<T> & {
  readonly lastResponse: LastResponse;
};

/**
 * The promise of a job's results (once the answer's headers came), also async-iterable
 * over them: `for await (const result of stateset.jobs.results(id))`.
 */
export interface JobResultsPromise<T = Record<string, any>>
  extends Promise<JobResults<T>>,
    AsyncIterable<T> {}

export interface JobWaitParams {
  /** Milliseconds before it rejects with an Error named TimeoutError (default 600,000). */
  timeout?: number;
  /** Milliseconds between retrievals (default 500). */
  interval?: number;
}

// Written by hand beside the generated methods (lib/jobs.js).
declare module './resources.js' {
  interface JobsResource {
    /**
     * The job's results as they arrive, one object per line: GET /v1/jobs/{id}/results.
     * A bulk mutation's are `JobLineResult`s; a bulk query's, one node a line.
     */
    results<T = JobLineResult>(
      id: string,
      options?: Omit<RequestOptions, 'idempotencyKey'>,
    ): JobResultsPromise<T>;

    /** The job once it ended (succeeded, failed or cancelled), retrieved every `interval` ms. */
    wait(
      id: string,
      params?: JobWaitParams,
      options?: Omit<RequestOptions, 'idempotencyKey'>,
    ): Promise<Response<Job>>;
  }
}
