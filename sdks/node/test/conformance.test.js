// The conformance scenario, the same in every SDK, against the live server the harness
// starts (tests/test_sdk_conformance.py); skipped, naming the variables, without one.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import Stateset, {
  AuthenticationError,
  CardError,
  ConflictError,
  NotFoundError,
  SignatureVerificationError,
} from 'stateset';

import { CARD, countingFetch, live, skipOffline, unique } from './support.js';

const env = live();
const skip = skipOffline;

function client(options = {}) {
  return new Stateset({ apiKey: env.STATESET_API_KEY, baseUrl: env.STATESET_BASE_URL, ...options });
}

async function pendingOrder(stateset) {
  const sku = unique('SKU');
  await stateset.inventory.create({ sku, name: 'Widget', on_hand: 10 });
  const customer = await stateset.customers.create({ email: `${unique('c')}@example.com` });
  return stateset.orders.create({
    customer_id: customer.id,
    currency: 'usd',
    line_items: [{ sku, name: 'Widget', quantity: 2, unit_amount: 1250 }],
  });
}

test('merchant flow: stock, customer, order, pay, process, ship, deliver, partial refund', { skip }, async () => {
  const stateset = client();
  const sku = unique('SKU');
  const item = await stateset.inventory.create({ sku, name: 'Widget', on_hand: 10 });
  assert.equal(item.sku, sku);
  assert.equal(item.on_hand, 10);
  assert.equal(item.location, 'default');
  assert.match(item.id, /^inv_/);
  assert.match(item.lastResponse.requestId, /^req_/);
  assert.equal(item.lastResponse.httpStatus, 201);

  const customer = await stateset.customers.create({ email: `${unique('ada')}@example.com`, name: 'Ada' });
  assert.match(customer.id, /^cus_/);
  const order = await stateset.orders.create({
    customer_id: customer.id,
    currency: 'usd',
    line_items: [{ sku, name: 'Widget', quantity: 2, unit_amount: 1250 }],
  });
  assert.match(order.id, /^ord_/);
  assert.deepEqual([order.status, order.amount, order.currency], ['pending', 2500, 'USD']);
  assert.deepEqual([order.line_items[0].sku, order.line_items[0].quantity], [sku, 2]);

  const paid = await stateset.orders.pay(order.id, { card: CARD });
  assert.deepEqual([paid.status, paid.amount_paid], ['paid', 2500]);
  assert.equal(paid.payments[0].status, 'succeeded');
  assert.equal(paid.payments[0].card.last4, '4242');
  assert.equal((await stateset.orders.process(order.id)).status, 'processing');
  const shipped = await stateset.orders.ship(order.id, { carrier: 'UPS', tracking_number: '1Z999' });
  assert.deepEqual([shipped.status, shipped.carrier, shipped.tracking_number], ['shipped', 'UPS', '1Z999']);
  assert.equal((await stateset.orders.deliver(order.id)).status, 'delivered');
  const refunded = await stateset.orders.refund(order.id, { amount: 500 });
  assert.equal(refunded.status, 'delivered');
  assert.equal(refunded.amount_refunded, 500);
  assert.equal(refunded.refunds[0].amount, 500);
  assert.match(refunded.refunds[0].id, /^re_/);
  assert.match(refunded.lastResponse.requestId, /^req_/);

  // The fields are REST's, value for value; lastResponse is no field of them.
  const raw = await fetch(`${env.STATESET_BASE_URL}/v1/orders/${order.id}`, {
    headers: { authorization: `Bearer ${env.STATESET_API_KEY}` },
  });
  const fetched = await stateset.orders.retrieve(order.id);
  assert.deepEqual(JSON.parse(JSON.stringify(fetched)), await raw.json());
  assert.notEqual(fetched.lastResponse.requestId, refunded.lastResponse.requestId);
  assert.ok(!Object.keys(fetched).includes('lastResponse'));

  const page = await stateset.orders.list({ status_in: ['delivered', 'refunded'], id_eq: order.id });
  assert.deepEqual(
    page.data.map((o) => o.id),
    [order.id],
  );
});

test('errors: a declined card, an illegal transition, a bad key, a missing id', { skip }, async () => {
  const stateset = client();
  const order = await pendingOrder(stateset);
  const declined = await stateset.orders
    .pay(order.id, { card: { ...CARD, number: '4000000000000002' } })
    .then(() => assert.fail('a declined card must throw'), (error) => error);
  assert.ok(declined instanceof CardError, declined);
  assert.ok(declined instanceof Stateset.errors.StatesetError);
  assert.deepEqual([declined.httpStatus, declined.code, declined.type], [402, 'CARD_DECLINED', 'card_error']);
  assert.equal(declined.declineCode, 'generic_decline');
  assert.match(declined.paymentId, /^pay_/);
  assert.match(declined.requestId, /^req_/);
  assert.equal(declined.headers['x-request-id'], declined.requestId);

  const conflict = await stateset.orders
    .ship(order.id, { carrier: 'UPS', tracking_number: '1Z' })
    .then(() => assert.fail('shipping a pending order must throw'), (error) => error);
  assert.ok(conflict instanceof ConflictError, conflict);
  assert.deepEqual([conflict.httpStatus, conflict.code], [409, 'RESOURCE_CONFLICT']);
  assert.equal(conflict.details[0].from, 'pending');
  assert.equal(conflict.details[0].to, 'shipped');
  assert.match(conflict.requestId, /^req_/);

  const bad = client({ apiKey: 'sk_test_nope' });
  await assert.rejects(bad.customers.list(), (error) => {
    assert.ok(error instanceof AuthenticationError, error);
    assert.deepEqual([error.httpStatus, error.code], [401, 'INVALID_API_KEY']);
    return true;
  });
  await assert.rejects(bad.graphql('{ account { id } }'), AuthenticationError);

  await assert.rejects(stateset.customers.retrieve('cus_missing'), (error) => {
    assert.ok(error instanceof NotFoundError, error);
    assert.deepEqual([error.httpStatus, error.code], [404, 'RESOURCE_NOT_FOUND']);
    return true;
  });
  // GraphQL's errors are the same classes.
  await assert.rejects(stateset.graphql('query($id: ID!) { order(id: $id) { id } }', { id: 'ord_missing' }), NotFoundError);
  const data = await stateset.graphql('query($id: ID!) { order(id: $id) { id status } }', { id: order.id });
  assert.deepEqual(data.order, { id: order.id, status: 'PENDING' });
});

test('paging: 250 customers by 100 yield 250 distinct ids, a page fetched only when needed', { skip }, async () => {
  const counting = countingFetch();
  const stateset = client({ apiKey: env.STATESET_PAGING_API_KEY, fetch: counting });
  const ids = [];
  for await (const customer of stateset.customers.list({ limit: 100 })) {
    ids.push(customer.id);
    if (ids.length === 100) assert.equal(counting.sent.length, 1, 'nothing fetched ahead');
    if (ids.length === 101) assert.equal(counting.sent.length, 2);
  }
  assert.equal(ids.length, 250);
  assert.equal(new Set(ids).size, 250);
  assert.ok(counting.sent.length >= 3, `${counting.sent.length} requests`);
  assert.ok(counting.sent.every((url) => new URL(url).searchParams.get('limit') === '100'));
  assert.deepEqual(
    counting.sent.map((url) => new URL(url).searchParams.has('cursor')),
    [false, ...counting.sent.slice(1).map(() => true)],
  );
});

test('a lost response: the create is retried with its key and leaves exactly one object', { skip }, async () => {
  const email = `${unique('lost')}@example.com`;
  const losing = client({ baseUrl: env.STATESET_LOSING_URL });
  const customer = await losing.customers.create({ email });
  assert.equal(customer.email, email);
  assert.match(customer.id, /^cus_/);
  assert.equal(customer.lastResponse.headers['idempotent-replayed'], 'true');
  const found = await client().customers.list({ email_eq: email });
  assert.deepEqual(
    found.data.map((c) => c.id),
    [customer.id],
  );
});

test('a 429 with Retry-After: 1 is waited out and retried', { skip }, async () => {
  const limited = client({ baseUrl: env.STATESET_LIMITED_URL });
  const started = performance.now();
  const account = await limited.account.retrieve();
  const waited = performance.now() - started;
  assert.match(account.id, /^acct_/);
  assert.ok(waited >= 1000, `waited ${waited} ms`);
});

test('webhook: a real delivery verifies; a changed byte, an old timestamp, a parsed body do not', { skip }, () => {
  const delivery = JSON.parse(readFileSync(env.STATESET_WEBHOOK_FILE, 'utf8'));
  const { payload, header, secret } = delivery;
  const event = Stateset.webhooks.constructEvent(payload, header, secret);
  assert.equal(event.id, delivery.event_id);
  assert.equal(event.type, delivery.event_type);
  assert.equal(Stateset.webhooks.constructEvent(Buffer.from(payload), header, secret).id, delivery.event_id);

  const changed = Buffer.from(payload);
  const at = changed.indexOf(delivery.event_id) + delivery.event_id.length - 1;
  changed[at] ^= 1;
  assert.throws(() => Stateset.webhooks.constructEvent(changed, header, secret), SignatureVerificationError);

  const old = Math.floor(Date.now() / 1000) - 301;
  const signature = createHmac('sha256', secret).update(`${old}.${payload}`).digest('hex');
  assert.throws(
    () => Stateset.webhooks.constructEvent(payload, `t=${old},v1=${signature}`, secret),
    (error) => error instanceof SignatureVerificationError && /tolerance/.test(error.message),
  );
  assert.throws(() => Stateset.webhooks.constructEvent(JSON.parse(payload), header, secret), {
    name: 'TypeError',
    message: /raw request body/,
  });
});

test('subscription: 20 events in sequence order, resumed after a cut with no gap or duplicate', { skip, timeout: 90_000 }, async () => {
  const direct = client();
  await direct.customers.create({ email: `${unique('anchor')}@example.com` });
  const anchor = (await direct.events.list({ limit: 1 })).data[0];
  const cut = client({ baseUrl: env.STATESET_CUT_URL });
  const stream = cut.subscribe(
    'subscription($since: ID) { events(types: ["customer.created"], since: $since) { id type sequence } }',
    { since: anchor.id },
  );
  const events = stream[Symbol.asyncIterator]();
  const received = [];
  const receive = async (count) => {
    for (let i = 0; i < count; i += 1) {
      const { value, done } = await events.next();
      assert.ok(!done, 'the subscription ended');
      received.push(value.events);
    }
  };
  const create = async (count) => {
    for (let i = 0; i < count; i += 1) {
      await direct.customers.create({ email: `${unique('sub')}@example.com` });
    }
  };
  try {
    // The socket opens while the first ten are created: some live, some from `since`.
    await Promise.all([receive(10), create(10)]);
    const closed = await fetch(env.STATESET_CUT_CONTROL, { method: 'POST' });
    assert.equal(closed.status, 200);
    assert.ok(Number(await closed.text()) >= 1, 'the cut closed no connection');
    await Promise.all([receive(10), create(10)]);
  } finally {
    await events.return();
  }
  assert.equal(received.length, 20);
  assert.ok(received.every((e) => e.type === 'customer.created'));
  assert.equal(new Set(received.map((e) => e.id)).size, 20, 'a duplicate');
  for (let i = 1; i < received.length; i += 1) {
    assert.ok(received[i].sequence > received[i - 1].sequence, 'out of sequence order');
  }
  const stored = await direct.events.list({ type: 'customer.created', sequence_gt: anchor.sequence, limit: 100 });
  assert.deepEqual(
    received.map((e) => e.id),
    stored.data.map((e) => e.id).reverse(),
    'a gap: the stored events are not the ones received',
  );
});
