import type { BatchResource, FilesResource } from './bulk.js';
import type { ClientOptions, LastResponse, RequestOptions } from './core.js';
import type { errors } from './errors.js';
import { Resources } from './resources.js';
import type { webhooks } from './webhooks.js';

export declare class Stateset extends Resources {
  static readonly VERSION: string;
  static readonly errors: typeof errors;
  static readonly webhooks: typeof webhooks;

  constructor(options?: ClientOptions);
  constructor(apiKey: string, options?: Omit<ClientOptions, 'apiKey'>);

  /** POST /v1/batch: many requests in one call. */
  readonly batch: BatchResource;
  /** /v1/files: uploads streamed, their objects and bytes. */
  readonly files: FilesResource;

  /** The configuration in force (the API key is not shown). */
  readonly config: Readonly<Omit<Required<ClientOptions>, 'apiKey' | 'fetch'>>;

  /** Runs one GraphQL operation: its `data`, or its first error thrown as its class. */
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown> | null,
    options?: RequestOptions,
  ): Promise<T & { readonly lastResponse: LastResponse }>;

  /**
   * A GraphQL subscription over graphql-transport-ws: each result's `data`. After a
   * dropped socket it reconnects and resumes with `since` (the last event id yielded)
   * when the query declares `$since`.
   */
  subscribe<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown> | null,
    options?: Omit<RequestOptions, 'idempotencyKey'>,
  ): AsyncGenerator<T, void, undefined>;
}
