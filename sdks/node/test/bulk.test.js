// Batch and files: the conformance scenario's steps against the live server (skipped
// without one), and what an upload does when no answer came, against a stub (offline).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';

import Stateset, { APIConnectionError, InvalidRequestError, NotFoundError } from 'stateset';

import { live, skipOffline, stub, unique } from './support.js';

const env = live();
const skip = skipOffline;
const SMALL = Buffer.from(
  Array.from({ length: 120 }, (_, n) => `{"email": "c${String(n).padStart(4, '0')}@files.example"}\n`).join(''),
);
const LARGE_SIZE = 5 * 1024 * 1024;
const FILE = {
  id: 'file_1',
  object: 'file',
  purpose: 'bulk_input',
  filename: 'a.jsonl',
  size: 9,
  sha256: 'x',
  created: '2025-01-01T00:00:00Z',
  expires_at: '2025-01-08T00:00:00Z',
  livemode: false,
};

function client(options = {}) {
  return new Stateset({ apiKey: env.STATESET_API_KEY, baseUrl: env.STATESET_BASE_URL, ...options });
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('a batch of three answers each operation in order, the failure among them', { skip }, async () => {
  const stateset = client();
  const email = `${unique('b')}@batch.example`;
  const batch = await stateset.batch.create({
    operations: [
      { method: 'POST', path: '/v1/customers', body: { email } },
      { method: 'POST', path: '/v1/customers', body: { email: 'not-an-email' } },
      { method: 'GET', path: `/v1/customers?email_eq=${encodeURIComponent(email)}` },
    ],
  });
  assert.deepEqual([batch.object, batch.atomic], ['batch', false]);
  assert.deepEqual(
    batch.results.map((r) => r.status),
    [201, 422, 200],
  );
  const [created, refused, listed] = batch.results.map((r) => r.body);
  assert.match(created.id, /^cus_/);
  assert.equal(created.email, email);
  assert.equal(refused.error.param, 'email');
  assert.deepEqual(
    listed.data.map((c) => c.id),
    [created.id],
  );
  assert.match(batch.lastResponse.requestId, /^req_/);
});

test('an atomic batch with a failure rejects naming operations[i] and keeps nothing', { skip }, async () => {
  const stateset = client();
  const email = `${unique('a')}@batch.example`;
  await assert.rejects(
    stateset.batch.create({
      operations: [
        { method: 'POST', path: '/v1/customers', body: { email } },
        { method: 'POST', path: '/v1/customers', body: { email: 'not-an-email' } },
      ],
      atomic: true,
    }),
    (error) => {
      assert.ok(error instanceof InvalidRequestError, error);
      assert.equal(error.httpStatus, 422);
      assert.equal(error.details[0].param, 'operations[1]');
      assert.match(error.requestId, /^req_/);
      return true;
    },
  );
  const page = await stateset.customers.list({ email_eq: email });
  assert.deepEqual(page.data, []);
});

test('uploads (a few KB, 5 MB from a path and from a stream) match their bytes', { skip }, async () => {
  const stateset = client();
  const small = await stateset.files.create({ file: SMALL, filename: 'customers.jsonl' });
  assert.match(small.id, /^file_/);
  assert.deepEqual(
    [small.purpose, small.filename, small.size, small.sha256],
    ['bulk_input', 'customers.jsonl', SMALL.length, sha256(SMALL)],
  );
  assert.match(small.lastResponse.requestId, /^req_/);
  assert.equal((await stateset.files.retrieve(small.id)).sha256, small.sha256);
  assert.deepEqual(await stateset.files.contents(small.id), SMALL);

  const large = randomBytes(LARGE_SIZE);
  const path = join(mkdtempSync(join(tmpdir(), 'stateset-')), 'large.bin');
  writeFileSync(path, large);
  const byPath = await stateset.files.create({ file: path });
  assert.deepEqual([byPath.filename, byPath.size, byPath.sha256], ['large.bin', LARGE_SIZE, sha256(large)]);
  const byStream = await stateset.files.create({ file: createReadStream(path), purpose: 'bulk_input' });
  assert.deepEqual([byStream.filename, byStream.size, byStream.sha256], ['large.bin', LARGE_SIZE, sha256(large)]);
  const byBlob = await stateset.files.create({ file: new Blob([SMALL]), filename: 'blob.jsonl' });
  assert.equal(byBlob.sha256, sha256(SMALL));
  assert.ok((await stateset.files.contents(byStream.id)).equals(large));
  await assert.rejects(stateset.files.retrieve('file_missing'), NotFoundError);
});

test('a 5 MB file streams back chunk by chunk, its sha256 matching', { skip }, async () => {
  const stateset = client();
  const large = randomBytes(LARGE_SIZE);
  const uploaded = await stateset.files.create({ file: large, filename: 'large.bin' });
  const stream = await stateset.files.streamContents(uploaded.id);
  assert.equal(stream.lastResponse.httpStatus, 200);
  assert.match(stream.lastResponse.requestId, /^req_/);
  const digest = createHash('sha256');
  let chunks = 0;
  let largest = 0;
  for await (const chunk of stream) {
    assert.ok(Buffer.isBuffer(chunk));
    digest.update(chunk);
    chunks += 1;
    largest = Math.max(largest, chunk.length);
  }
  assert.equal(digest.digest('hex'), uploaded.sha256);
  assert.ok(chunks > 10 && largest < LARGE_SIZE / 10, `${chunks} chunks, the largest ${largest} bytes`);

  const copy = join(mkdtempSync(join(tmpdir(), 'stateset-')), 'copy.bin');
  await pipeline(await stateset.files.streamContents(uploaded.id), createWriteStream(copy));
  assert.equal(sha256(readFileSync(copy)), sha256(large));

  const early = await stateset.files.streamContents(uploaded.id);
  for await (const chunk of early) {
    assert.ok(chunk.length > 0);
    break; // stops the download: the body is cancelled
  }
  assert.ok(early.destroyed);
  await assert.rejects(stateset.files.streamContents('file_missing'), NotFoundError);
});

test('a streamed download is retried until its answer comes, then a cut errors it', async () => {
  const api = await stub((_, n) => (n === 1 ? { status: 503, body: { error: { type: 'api_error' } } } : 'cut'));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url, maxRetries: 1 });
    const stream = await stateset.files.streamContents('file_1');
    const received = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) received.push(chunk);
      })(),
      (error) => error instanceof APIConnectionError && /was cut after 6 bytes/.test(error.message),
    );
    assert.equal(Buffer.concat(received).toString(), 'abcdef'); // nothing yielded twice
    assert.equal(api.seen.length, 2);
  } finally {
    await api.close();
  }
});

test('an upload that can be read again is retried whole with one Idempotency-Key', async () => {
  const data = Buffer.from('abc\n'.repeat(1000));
  const path = join(mkdtempSync(join(tmpdir(), 'stateset-')), 'a.jsonl');
  writeFileSync(path, data);
  for (const file of [data, path, new Blob([data])]) {
    const api = await stub((_, n) => (n === 1 ? 'drop' : { status: 201, body: FILE }));
    try {
      const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
      assert.equal((await stateset.files.create({ file })).id, 'file_1');
      assert.equal(api.seen.length, 2);
      const [first, second] = api.seen;
      assert.equal(first.headers['idempotency-key'], second.headers['idempotency-key']);
      assert.match(second.headers['content-type'], /^multipart\/form-data; boundary=/);
      assert.ok(second.body.includes(data.toString()));
      assert.ok(second.body.includes('name="purpose"\r\n\r\nbulk_input'));
    } finally {
      await api.close();
    }
  }
});

test('an upload from a stream is sent once: no answer rejects rather than resending half', async () => {
  const api = await stub(() => 'drop');
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    await assert.rejects(
      stateset.files.create({ file: Readable.from([Buffer.from('abc\n'.repeat(1000))]) }),
      (error) => error instanceof APIConnectionError && /after 1 attempt/.test(error.message),
    );
    assert.equal(api.seen.length, 1);
  } finally {
    await api.close();
  }
});
