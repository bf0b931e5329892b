// Lists (offline): a page, and every page after it, fetched only when needed.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import Stateset, { NotFoundError, Page } from 'stateset';

import { errorBody, stub } from './support.js';

/** A stub holding `total` customers, answering pages by cursor (the index to start at). */
async function customers(total) {
  return stub((request) => {
    const url = new URL(request.url, 'http://x');
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const end = Math.min(start + limit, total);
    const data = [];
    for (let i = start; i < end; i += 1) data.push({ id: `cus_${i}`, object: 'customer' });
    return {
      body: {
        object: 'list',
        url: '/v1/customers',
        data,
        has_more: end < total,
        next_cursor: end < total ? String(end) : null,
      },
    };
  });
}

test('for await over list() walks every page lazily, keeping the filters', async () => {
  const api = await customers(25);
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    const ids = [];
    for await (const customer of stateset.customers.list({ limit: 10, email_like: '%@x.com' })) {
      ids.push(customer.id);
      if (ids.length === 10) assert.equal(api.seen.length, 1, 'nothing fetched ahead');
    }
    assert.equal(ids.length, 25);
    assert.equal(new Set(ids).size, 25);
    assert.deepEqual(
      api.seen.map((s) => s.url),
      [
        '/v1/customers?limit=10&email_like=%25%40x.com',
        '/v1/customers?limit=10&email_like=%25%40x.com&cursor=10',
        '/v1/customers?limit=10&email_like=%25%40x.com&cursor=20',
      ],
    );
  } finally {
    await api.close();
  }
});

test('awaiting list() gives one page; nextPage and the page itself iterate on', async () => {
  const api = await customers(15);
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    const page = await stateset.customers.list({ limit: 10, offset: 0 });
    assert.ok(page instanceof Page);
    assert.deepEqual([page.object, page.data.length, page.has_more, page.next_cursor], ['list', 10, true, '10']);
    assert.match(page.lastResponse.requestId, /^req_stub_/);
    const next = await page.nextPage();
    assert.deepEqual([next.data.length, next.has_more, next.next_cursor], [5, false, null]);
    assert.equal(await next.nextPage(), null);
    assert.ok(!new URL(api.seen[1].url, 'http://x').searchParams.has('offset'), 'offset left behind');
    const all = [];
    for await (const c of page) all.push(c.id);
    assert.equal(all.length, 15);
    assert.deepEqual(await page.autoPagingToArray({ limit: 12 }), all.slice(0, 12).map((id) => ({ id, object: 'customer' })));
  } finally {
    await api.close();
  }
});

test('autoPagingEach stops when told, and autoPagingToArray needs a limit', async () => {
  const api = await customers(30);
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    const seen = [];
    await stateset.customers.list({ limit: 10 }).autoPagingEach((c) => {
      seen.push(c.id);
      return seen.length < 12;
    });
    assert.equal(seen.length, 12);
    assert.equal(api.seen.length, 2);
    assert.equal((await stateset.customers.list({ limit: 10 }).autoPagingToArray({ limit: 30 })).length, 30);
    await assert.rejects(stateset.customers.list().autoPagingToArray({}), /limit/);
  } finally {
    await api.close();
  }
});

test('a failing first page rejects both the promise and the iteration', async () => {
  const api = await stub(() => ({ status: 404, body: errorBody('not_found_error', 'RESOURCE_NOT_FOUND') }));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    await assert.rejects(stateset.webhookEndpoints.deliveries('we_1'), NotFoundError);
    await assert.rejects(async () => {
      for await (const _ of stateset.webhookEndpoints.deliveries('we_1', { limit: 5 })) {
        assert.fail('no item');
      }
    }, NotFoundError);
    assert.equal(api.seen[1].url, '/v1/webhook_endpoints/we_1/deliveries?limit=5');
    await assert.rejects(stateset.customers.list('limit=5'), /must be an object/);
  } finally {
    await api.close();
  }
});
