// Webhook verification (offline): the raw body only, any v1 of a rotation, the tolerance.

import assert from 'node:assert/strict';
import crypto, { createHmac, randomBytes } from 'node:crypto';
import { mock, test } from 'node:test';

import Stateset, { SignatureVerificationError, webhooks } from 'stateset';

const EVENT = {
  id: 'evt_1',
  object: 'event',
  type: 'order.created',
  api_version: 'v1',
  created: '2026-01-01T00:00:00Z',
  livemode: false,
  account: 'acct_1',
  sequence: 7,
  data: { object: { id: 'ord_1', object: 'order' } },
  request: { id: 'req_1', idempotency_key: null },
};
const BODY = JSON.stringify(EVENT);

function newSecret() {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The header as the server signs it (computed here, not by the SDK). */
function header(timestamp, secrets, body = BODY) {
  const v1 = secrets.map((s) => `v1=${createHmac('sha256', s).update(`${timestamp}.${body}`).digest('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}

const now = () => Math.floor(Date.now() / 1000);

test('a signed body verifies, as a string or a Buffer, and returns the event', () => {
  const secret = newSecret();
  const event = Stateset.webhooks.constructEvent(BODY, header(now(), [secret]), secret);
  assert.deepEqual(event, EVENT);
  assert.equal(webhooks.constructEvent(Buffer.from(BODY), header(now(), [secret]), secret).sequence, 7);
  assert.equal(webhooks.constructEvent(new TextEncoder().encode(BODY), header(now(), [secret]), secret).id, 'evt_1');
});

test('during a rotation two v1 arrive and either secret verifies', () => {
  const [oldSecret, newer] = [newSecret(), newSecret()];
  const rotating = header(now(), [oldSecret, newer]);
  assert.equal(webhooks.constructEvent(BODY, rotating, newer).id, 'evt_1');
  assert.equal(webhooks.constructEvent(BODY, rotating, oldSecret).id, 'evt_1');
  assert.equal(webhooks.constructEvent(BODY, header(now(), [oldSecret]), [newer, oldSecret]).id, 'evt_1');
  assert.throws(() => webhooks.constructEvent(BODY, rotating, newSecret()), SignatureVerificationError);
});

test('a changed byte, another secret, a garbled header do not verify', () => {
  const secret = newSecret();
  const changed = BODY.replace('evt_1', 'evt_2');
  assert.equal(changed.length, BODY.length);
  assert.throws(() => webhooks.constructEvent(changed, header(now(), [secret]), secret), (error) => {
    assert.ok(error instanceof SignatureVerificationError);
    assert.ok(error instanceof Stateset.errors.StatesetError);
    assert.match(error.message, /raw body/);
    assert.equal(error.sigHeader, header(now(), [secret]));
    return true;
  });
  for (const bad of ['garbage', '', 't=abc,v1=00', `t=${now()}`, `v1=${'0'.repeat(64)}`]) {
    assert.throws(() => webhooks.constructEvent(BODY, bad, secret), SignatureVerificationError, bad);
  }
  assert.throws(() => webhooks.constructEvent(BODY, undefined, secret), SignatureVerificationError);
});

test('a signature of another length is refused without throwing anything else', () => {
  const secret = newSecret();
  for (const v1 of ['00', 'f'.repeat(63), 'f'.repeat(65), 'é'.repeat(64)]) {
    assert.throws(() => webhooks.constructEvent(BODY, `t=${now()},v1=${v1}`, secret), SignatureVerificationError);
  }
});

test('the timestamp must be within the tolerance (300 s unless told), either way', () => {
  const secret = newSecret();
  assert.throws(
    () => webhooks.constructEvent(BODY, header(now() - 301, [secret]), secret),
    { name: 'SignatureVerificationError', message: /tolerance/ },
  );
  assert.throws(() => webhooks.constructEvent(BODY, header(now() + 301, [secret]), secret), /tolerance/);
  assert.equal(webhooks.constructEvent(BODY, header(now() - 290, [secret]), secret).id, 'evt_1');
  assert.equal(webhooks.constructEvent(BODY, header(now() - 1000, [secret]), secret, 2000).id, 'evt_1');
  assert.throws(() => webhooks.constructEvent(BODY, header(now() - 20, [secret]), secret, 10), /tolerance/);
});

test('a parsed body is refused with a message saying to pass the raw body', () => {
  const secret = newSecret();
  for (const parsed of [EVENT, [EVENT], null, 42]) {
    assert.throws(() => webhooks.constructEvent(parsed, header(now(), [secret]), secret), {
      name: 'TypeError',
      message: /raw request body .*before any JSON parsing/,
    });
  }
  assert.throws(() => webhooks.constructEvent(BODY, header(now(), [secret]), ''), /whsec_/);
});

test('a signed body that is not JSON is a verification error; verifyHeader checks without parsing', () => {
  const secret = newSecret();
  const text = 'not json';
  assert.throws(() => webhooks.constructEvent(text, header(now(), [secret], text), secret), /not JSON/);
  assert.equal(webhooks.verifyHeader(text, header(now(), [secret], text), secret), true);
});

test('generateTestHeaderString signs as the server does', () => {
  const secret = newSecret();
  const stamp = now();
  assert.equal(webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: stamp }), header(stamp, [secret]));
  const two = [newSecret(), newSecret()];
  assert.equal(webhooks.generateTestHeaderString({ payload: BODY, secret: two, timestamp: stamp }), header(stamp, two));
});

test('every v1 is compared with crypto.timingSafeEqual against every secret, with no early exit', () => {
  const secrets = [newSecret(), newSecret()];
  const compare = mock.method(crypto, 'timingSafeEqual');
  try {
    webhooks.constructEvent(BODY, header(now(), secrets), secrets);
    assert.equal(compare.mock.callCount(), 4);
    assert.equal(compare.mock.calls[0].result, true); // the first matched; the rest ran all the same
  } finally {
    compare.mock.restore();
  }
});
