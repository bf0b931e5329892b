// Retries, idempotency keys, backoff and per-request options, against a stub API on a
// real socket (offline).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import Stateset, {
  APIConnectionError,
  APIError,
  ConflictError,
  InvalidRequestError,
  RateLimitError,
} from 'stateset';

import { backoff } from '../lib/request.js';
import { errorBody, stub } from './support.js';

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CUSTOMER = { id: 'cus_1', object: 'customer', email: 'r@example.com' };

async function withStub(answer, body) {
  const api = await stub(answer);
  try {
    return await body(api);
  } finally {
    await api.close();
  }
}

test('backoff doubles from half a second to eight, with jitter, never under half a second', () => {
  for (let i = 0; i < 200; i += 1) {
    assert.equal(backoff(0), 500);
    const one = backoff(1);
    assert.ok(one >= 500 && one <= 1000, one);
    const two = backoff(2);
    assert.ok(two >= 1000 && two <= 2000, two);
    const late = backoff(10);
    assert.ok(late >= 4000 && late <= 8000, late);
  }
  assert.equal(backoff(3, () => 0), 2000);
  assert.equal(backoff(3, () => 1), 4000);
  assert.equal(backoff(20, () => 1), 8000);
});

test('a 429 is waited out for its Retry-After and retried with the same idempotency key', async () => {
  await withStub(
    (_request, n) =>
      n === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: errorBody('rate_limit_error', 'RATE_LIMIT_EXCEEDED', {
              details: [{ param: 'burst', code: 'RATE_LIMIT_EXCEEDED' }],
            }),
          }
        : { status: 201, body: CUSTOMER },
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      const started = performance.now();
      const customer = await stateset.customers.create({ email: 'r@example.com' });
      assert.ok(performance.now() - started >= 1000);
      assert.equal(customer.id, 'cus_1');
      assert.deepEqual(
        api.seen.map((s) => `${s.method} ${s.url}`),
        ['POST /v1/customers', 'POST /v1/customers'],
      );
      const keys = api.seen.map((s) => s.headers['idempotency-key']);
      assert.match(keys[0], UUID4);
      assert.equal(keys[1], keys[0]);
      assert.equal(customer.lastResponse.idempotencyKey, keys[0]);
      assert.equal(api.seen[0].body, '{"email":"r@example.com"}');
      assert.equal(api.seen[0].headers.authorization, 'Bearer sk_test_x');
      assert.equal(api.seen[0].headers['content-type'], 'application/json');
      assert.match(api.seen[0].headers['user-agent'], /^stateset-node\/0\.1\.0/);
    },
  );
});

test('with no retries left a 429 throws RateLimitError naming the limit hit', async () => {
  await withStub(
    () => ({
      status: 429,
      headers: { 'retry-after': '1' },
      body: errorBody('rate_limit_error', 'RATE_LIMIT_EXCEEDED', {
        details: [{ param: 'per_minute', code: 'RATE_LIMIT_EXCEEDED' }],
      }),
    }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url, maxRetries: 0 });
      await assert.rejects(stateset.customers.list(), (error) => {
        assert.ok(error instanceof RateLimitError);
        assert.deepEqual([error.httpStatus, error.limit, error.requestId], [429, 'per_minute', 'req_from_body']);
        assert.equal(error.headers['retry-after'], '1');
        return true;
      });
      assert.equal(api.seen.length, 1);
    },
  );
});

test('a Retry-After longer than a call should wait is not waited: the error is thrown', async () => {
  await withStub(
    () => ({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: errorBody('rate_limit_error', 'RATE_LIMIT_EXCEEDED'),
    }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      await assert.rejects(stateset.customers.list(), RateLimitError);
      assert.equal(api.seen.length, 1);
    },
  );
});

test('5xx and IDEMPOTENCY_KEY_IN_USE are retried up to maxRetries, with one key', async () => {
  const answers = [
    { status: 503, body: errorBody('api_error', 'SERVICE_UNAVAILABLE') },
    { status: 409, body: errorBody('idempotency_error', 'IDEMPOTENCY_KEY_IN_USE') },
    { status: 200, body: { id: 'ord_1', object: 'order', status: 'paid' } },
  ];
  await withStub(
    (_request, n) => answers[n - 1],
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      const order = await stateset.orders.pay('ord_1', { external_reference: 'x' });
      assert.equal(order.status, 'paid');
      assert.equal(api.seen.length, 3);
      assert.equal(new Set(api.seen.map((s) => s.headers['idempotency-key'])).size, 1);
    },
  );
  await withStub(
    () => ({ status: 500, body: errorBody('api_error', 'INTERNAL_ERROR') }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url, maxRetries: 1 });
      await assert.rejects(stateset.account.retrieve(), APIError);
      assert.equal(api.seen.length, 2);
    },
  );
});

test('nothing else is retried: 400, 402, 404, a conflict', async () => {
  const cases = [
    [400, 'invalid_request_error', 'VALIDATION_ERROR'],
    [402, 'card_error', 'CARD_DECLINED'],
    [404, 'not_found_error', 'RESOURCE_NOT_FOUND'],
    [409, 'invalid_request_error', 'RESOURCE_CONFLICT'],
  ];
  for (const [status, type, code] of cases) {
    await withStub(
      () => ({ status, body: errorBody(type, code) }),
      async (api) => {
        const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
        await assert.rejects(stateset.orders.process('ord_1'), (error) => error.code === code);
        assert.equal(api.seen.length, 1, code);
      },
    );
  }
});

test("a caller's idempotency key wins, and GETs carry none", async () => {
  await withStub(
    () => ({ status: 200, body: CUSTOMER }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      const customer = await stateset.customers.update('cus_1', { name: 'Ada' }, { idempotencyKey: 'mine-1' });
      assert.equal(customer.lastResponse.idempotencyKey, 'mine-1');
      await stateset.customers.retrieve('cus_1');
      await stateset.customers.delete('cus_1');
      assert.equal(api.seen[0].headers['idempotency-key'], 'mine-1');
      assert.equal(api.seen[0].method, 'PATCH');
      assert.equal(api.seen[1].headers['idempotency-key'], undefined);
      assert.match(api.seen[2].headers['idempotency-key'], UUID4);
      assert.equal(api.seen[2].method, 'DELETE');
    },
  );
});

test('a dropped connection is retried with the same key; none at all throws APIConnectionError', async () => {
  await withStub(
    (_request, n) => (n === 1 ? 'drop' : { status: 201, body: CUSTOMER }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      const customer = await stateset.customers.create({ email: 'r@example.com' });
      assert.equal(customer.id, 'cus_1');
      assert.equal(api.seen.length, 2);
      assert.equal(api.seen[0].headers['idempotency-key'], api.seen[1].headers['idempotency-key']);
    },
  );
  const api = await stub(() => ({}));
  await api.close(); // nothing listens on its port any more
  const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url, maxRetries: 1 });
  await assert.rejects(stateset.account.retrieve(), (error) => {
    assert.ok(error instanceof APIConnectionError);
    assert.equal(error.httpStatus, null);
    assert.match(error.message, /after 2 attempt/);
    return true;
  });
});

test('a late answer times out per the timeout option, per request too', async () => {
  await withStub(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { status: 200, body: CUSTOMER };
    },
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url, timeout: 100, maxRetries: 0 });
      await assert.rejects(stateset.customers.retrieve('cus_1'), (error) => {
        assert.ok(error instanceof APIConnectionError);
        assert.match(error.message, /timed out/);
        return true;
      });
      const customer = await stateset.customers.retrieve('cus_1', { timeout: 2000 });
      assert.equal(customer.id, 'cus_1');
    },
  );
});

test('per-request apiKey and maxRetries override the client', async () => {
  await withStub(
    () => ({ status: 503, body: errorBody('api_error', 'SERVICE_UNAVAILABLE') }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      await assert.rejects(stateset.account.retrieve({ apiKey: 'sk_test_other', maxRetries: 0 }), APIError);
      assert.equal(api.seen.length, 1);
      assert.equal(api.seen[0].headers.authorization, 'Bearer sk_test_other');
    },
  );
});

test('filters are sent as REST names them: lists comma-joined, booleans as words', async () => {
  await withStub(
    () => ({ status: 200, body: { object: 'list', data: [], has_more: false, next_cursor: null } }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      await stateset.orders.list({
        status_in: ['pending', 'paid'],
        amount_gte: 100,
        include_total: true,
        customer_id_eq: undefined,
      });
      const url = new URL(api.seen[0].url, api.url);
      assert.equal(url.pathname, '/v1/orders');
      assert.deepEqual(Object.fromEntries(url.searchParams), {
        status_in: 'pending,paid',
        amount_gte: '100',
        include_total: 'true',
      });
      await stateset.webhookEndpoints.rotateSecret('we_1/../x');
      assert.equal(api.seen[1].url, '/v1/webhook_endpoints/we_1%2F..%2Fx/rotate_secret');
      assert.equal(api.seen[1].body, '{}');
    },
  );
});

test('bad arguments fail before any request', async () => {
  const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: 'http://127.0.0.1:9' });
  assert.throws(() => new Stateset({ apiKey: '' }), /apiKey is required/);
  assert.throws(() => new Stateset({ apiKey: 'k', maxRetries: -1 }), /maxRetries/);
  assert.throws(() => new Stateset({ apiKey: 'k', timeout: 0 }), /timeout/);
  await assert.rejects(stateset.customers.retrieve(''), /non-empty string/);
  await assert.rejects(stateset.orders.process('ord_1', { reason: 'x' }), /unknown request option "reason"/);
  await assert.rejects(stateset.customers.create('ada@example.com'), /parameters must be an object/);
});

test('an error body maps to its class; a conflict is an InvalidRequestError too', async () => {
  await withStub(
    () => ({
      status: 409,
      body: errorBody('invalid_request_error', 'RESOURCE_CONFLICT', {
        details: [{ from: 'pending', to: 'shipped' }],
      }),
    }),
    async (api) => {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      await assert.rejects(stateset.orders.ship('ord_1', { carrier: 'UPS', tracking_number: '1' }), (error) => {
        assert.ok(error instanceof ConflictError);
        assert.ok(error instanceof InvalidRequestError);
        assert.deepEqual(error.details, [{ from: 'pending', to: 'shipped' }]);
        return true;
      });
    },
  );
});

test('an answer that is not JSON is an APIError carrying the status', async () => {
  const server = createServer((_request, response) => {
    response.writeHead(502, { 'content-type': 'text/html' });
    response.end('<html>bad gateway</html>');
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const stateset = new Stateset({
      apiKey: 'sk_test_x',
      baseUrl: `http://127.0.0.1:${server.address().port}`,
      maxRetries: 0,
    });
    await assert.rejects(stateset.account.retrieve(), (error) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.httpStatus, 502);
      assert.match(error.message, /bad gateway/);
      return true;
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
