// Jobs: the conformance scenario's steps against the live server (skipped without one),
// and how results are parsed as they arrive, against a stub (offline).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import Stateset, { APIError, ConflictError, NotFoundError } from 'stateset';

import { live, skipOffline, stub, unique } from './support.js';

const env = live();
const skip = skipOffline;
const CREATE_CUSTOMER = 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email } }';

function client() {
  return new Stateset({ apiKey: env.STATESET_API_KEY, baseUrl: env.STATESET_BASE_URL });
}

test('a bulk mutation from an uploaded JSONL answers each line in order, data or error', { skip }, async () => {
  const stateset = client();
  const tag = unique('job');
  const emails = [`${tag}-1@jobs.example`, 'not-an-email', `${tag}-3@jobs.example`];
  const jsonl = emails.map((email) => `${JSON.stringify({ input: { email } })}\n`).join('');
  const file = await stateset.files.create({ file: Buffer.from(jsonl), filename: 'customers.jsonl' });
  const job = await stateset.jobs.create({ type: 'bulk_mutation', mutation: CREATE_CUSTOMER, variables_file: file.id });
  assert.match(job.id, /^job_/);
  assert.deepEqual([job.object, job.type, job.status, job.error_policy], ['job', 'bulk_mutation', 'queued', 'continue']);
  assert.match(job.lastResponse.requestId, /^req_/);

  const ended = await stateset.jobs.wait(job.id, { timeout: 60_000, interval: 200 });
  assert.equal(ended.status, 'succeeded');
  assert.deepEqual([ended.total, ended.processed, ended.succeeded, ended.failed], [3, 3, 2, 1]);
  assert.ok(ended.results_expires_at);

  const found = [];
  for await (const result of stateset.jobs.results(job.id)) found.push(result);
  assert.deepEqual(
    found.map((r) => r.line),
    [1, 2, 3],
  );
  assert.equal(found[0].data.createCustomer.email, emails[0]);
  assert.equal(found[1].error.code, 'INVALID_FIELD_FORMAT');
  assert.equal(found[1].error.param, 'input.email');
  assert.equal(found[1].data, undefined);
  assert.equal(found[2].data.createCustomer.email, emails[2]);
  const results = await stateset.jobs.results(job.id);
  assert.equal(results.lastResponse.httpStatus, 200);
  for await (const first of results) {
    assert.equal(first.line, 1);
    break; // stops reading: the body is cancelled
  }

  const listed = await stateset.jobs.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  assert.ok(listed.some((j) => j.id === job.id));
  await assert.rejects(stateset.jobs.cancel(job.id), ConflictError);
  await assert.rejects(stateset.jobs.results('job_missing'), NotFoundError);
});

// On the paging account (exactly 250 customers, written by no test), so that no other
// test file, run at the same time, changes what is listed between the two reads.
test('a bulk query of customers answers what listing them answers', { skip }, async () => {
  const stateset = new Stateset({ apiKey: env.STATESET_PAGING_API_KEY, baseUrl: env.STATESET_BASE_URL });
  const listed = new Map();
  for await (const customer of stateset.customers.list({ limit: 100 })) listed.set(customer.id, customer.email);
  const job = await stateset.jobs.create({ type: 'bulk_query', query: '{ customers { nodes { id email } } }' });
  assert.equal(job.type, 'bulk_query');
  const ended = await stateset.jobs.wait(job.id, { timeout: 60_000, interval: 200 });
  assert.equal(ended.status, 'succeeded');
  const nodes = new Map();
  for await (const node of stateset.jobs.results(job.id)) nodes.set(node.id, node.email);
  assert.equal(listed.size, 250);
  assert.equal(ended.processed, 250);
  assert.deepEqual(nodes, listed);
});

test('results are parsed a line at a time, a line split across chunks too', async () => {
  const api = await stub(() => ({
    raw: ['{"line": 1, "data": {}}\n{"line": 2, "err', 'or": {"code": "X"}}\n\n{"line": 3}'],
  }));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: api.url });
    const found = [];
    for await (const result of stateset.jobs.results('job_1')) found.push(result);
    assert.deepEqual(found, [{ line: 1, data: {} }, { line: 2, error: { code: 'X' } }, { line: 3 }]);
  } finally {
    await api.close();
  }
  const bad = await stub(() => ({ raw: ['{"line": 1}\n<html>\n'] }));
  try {
    const stateset = new Stateset({ apiKey: 'sk_test_x', baseUrl: bad.url });
    await assert.rejects(
      (async () => {
        for await (const result of stateset.jobs.results('job_1')) assert.equal(result.line, 1);
      })(),
      (error) => error instanceof APIError && /line 2 of the answer is not JSON/.test(error.message),
    );
  } finally {
    await bad.close();
  }
});
