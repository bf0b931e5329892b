import type { LastResponse } from './core.js';

/** One page of a list; `for await` over it walks its items and every page after it. */
export declare class Page<T> implements AsyncIterable<T> {
  private constructor();
  readonly object: 'list';
  readonly url: string | null;
  readonly data: T[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
  /** With `include_total: true`. */
  readonly total_count?: number;
  readonly lastResponse: LastResponse;
  /** The page after this one, or null on the last page. */
  nextPage(): Promise<Page<T> | null>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** Calls `onItem` with every item, fetching pages as needed; return false to stop. */
  autoPagingEach(onItem: (item: T) => unknown): Promise<void>;
  /** Every item into an array, at most `limit` (≤ 10000). */
  autoPagingToArray(options: { limit: number }): Promise<T[]>;
}

/**
 * What `list()` returns: the promise of the first page (`await` it), which is also
 * async-iterable over every item of every page (`for await`), fetched lazily.
 */
export interface PagePromise<T> extends Promise<Page<T>>, AsyncIterable<T> {
  autoPagingEach(onItem: (item: T) => unknown): Promise<void>;
  autoPagingToArray(options: { limit: number }): Promise<T[]>;
}
