import type { Readable } from 'node:stream';

import type { RequestOptions, Response } from './core.js';

/** One operation of a batch: a /v1 route, as that request alone would be made. */
export interface BatchOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A /v1 route with its query string: `/v1/customers?limit=1`. */
  path: string;
  body?: Record<string, unknown>;
  /** This operation's own Idempotency-Key. */
  idempotency_key?: string;
}

export interface BatchCreateParams {
  /** 1 to 1,000 operations. */
  operations: BatchOperation[];
  /** All in one transaction: the first failure rejects, and nothing is kept. */
  atomic?: boolean;
}

/** One operation's answer: its status and its body as plain data (or an error body). */
export interface BatchResult {
  status: number;
  body: Record<string, any>;
}

export interface Batch {
  object: 'batch';
  atomic: boolean;
  /** One per operation, in the order given. */
  results: BatchResult[];
}

/** An uploaded file (kept 7 days): its size and sha256 as the server computed them. */
export interface File {
  id: string;
  object: 'file';
  purpose: string;
  filename: string;
  size: number;
  sha256: string;
  created: string;
  expires_at: string;
  livemode: boolean;
}

/**
 * What an upload reads: a path, bytes or a Blob (retried whole when no answer came), or a
 * stream (sent once).
 */
export type FileInput =
  | string
  | URL
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

export interface FileCreateParams {
  file: FileInput;
  /** `bulk_input` (the default). */
  purpose?: string;
  /** The file's name; defaults to the path's or Blob's name. */
  filename?: string;
}

/** `stateset.batch`: /v1/batch. */
export declare class BatchResource {
  private constructor();

  /** Runs up to 1,000 operations in one call: POST /v1/batch. */
  create(params: BatchCreateParams, options?: RequestOptions): Promise<Response<Batch>>;
}

/** `stateset.files`: /v1/files. */
export declare class FilesResource {
  private constructor();

  /** Uploads a file of up to 100 MB, streamed: POST /v1/files. */
  create(params: FileCreateParams, options?: RequestOptions): Promise<Response<File>>;

  /** One file: GET /v1/files/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<File>>;

  /** The file's bytes, all in memory: GET /v1/files/{id}/contents. */
  contents(id: string, options?: Omit<RequestOptions, 'idempotencyKey'>): Promise<Buffer>;

  /**
   * The file's bytes as they arrive (Buffers), never whole in memory: GET
   * /v1/files/{id}/contents. `destroy()` the stream to stop early.
   */
  streamContents(
    id: string,
    options?: Omit<RequestOptions, 'idempotencyKey'>,
  ): Promise<Response<Readable>>;
}
