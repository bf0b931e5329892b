/**
 * One page of a list, and the promise of one that is also iterable across every page.
 *
 *   const page = await stateset.customers.list({ limit: 100 });   // one page
 *   for await (const c of stateset.customers.list({ limit: 100 })) { ... }   // every item
 *
 * A next page is fetched only when the previous one is used up.
 */

import { withResponse } from './request.js';

export class Page {
  #next;

  /**
   * @param {Record<string, any>} body the list answer ({object, url, data, has_more, next_cursor})
   * @param {object} lastResponse
   * @param {(cursor: string) => Promise<Page>} next fetches the page at a cursor
   */
  constructor(body, lastResponse, next) {
    this.object = body.object ?? 'list';
    this.url = body.url ?? null;
    this.data = Array.isArray(body.data) ? body.data : [];
    this.has_more = Boolean(body.has_more);
    this.next_cursor = body.next_cursor ?? null;
    if (body.total_count !== undefined) this.total_count = body.total_count;
    this.#next = next;
    withResponse(this, lastResponse);
  }

  /** The page after this one, or null on the last page. */
  async nextPage() {
    if (!this.has_more || !this.next_cursor) return null;
    return this.#next(this.next_cursor);
  }

  /** Every item of this page and the pages after it. */
  async *[Symbol.asyncIterator]() {
    for (let page = this; page !== null; page = await page.nextPage()) {
      yield* page.data;
    }
  }

  autoPagingEach(onItem) {
    return eachOf(this, onItem);
  }

  autoPagingToArray(options) {
    return arrayOf(this, options);
  }
}

/** Calls `onItem` with every item (stopping when it returns false). */
async function eachOf(iterable, onItem) {
  for await (const item of iterable) {
    if ((await onItem(item)) === false) break;
  }
}

/** Every item into an array; `limit` (required, at most 10,000) bounds it. */
async function arrayOf(iterable, { limit } = {}) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new TypeError('autoPagingToArray needs { limit } between 1 and 10000');
  }
  const items = [];
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= limit) break;
  }
  return items;
}

/**
 * The promise of a first page that is also async-iterable over every item of every
 * page, and has autoPagingEach / autoPagingToArray.
 *
 * @param {Promise<Page>} first
 */
export function pagePromise(first) {
  const iterable = {
    async *[Symbol.asyncIterator]() {
      yield* await first;
    },
  };
  // Iterating or a helper consumes the first page's failure too: the promise itself
  // need not be awaited, so its rejection is not reported as unhandled.
  first.catch(() => {});
  return Object.assign(first, {
    [Symbol.asyncIterator]: iterable[Symbol.asyncIterator],
    autoPagingEach: (onItem) => eachOf(iterable, onItem),
    autoPagingToArray: (options) => arrayOf(iterable, options),
  });
}
