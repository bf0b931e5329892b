// An error body (REST's `error`, GraphQL's `extensions`) maps to one class (offline).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import Stateset, * as sdk from 'stateset';

import { errorFrom } from '../lib/errors.js';

const HEADERS = { 'x-request-id': 'req_header' };

test('each error type has its class, all under StatesetError', () => {
  const cases = [
    ['invalid_request_error', 'VALIDATION_ERROR', 400, sdk.InvalidRequestError],
    ['authentication_error', 'INVALID_API_KEY', 401, sdk.AuthenticationError],
    ['permission_error', 'INSUFFICIENT_PERMISSIONS', 403, sdk.PermissionError],
    ['not_found_error', 'RESOURCE_NOT_FOUND', 404, sdk.NotFoundError],
    ['card_error', 'CARD_DECLINED', 402, sdk.CardError],
    ['idempotency_error', 'IDEMPOTENCY_KEY_MISMATCH', 400, sdk.IdempotencyError],
    ['rate_limit_error', 'RATE_LIMIT_EXCEEDED', 429, sdk.RateLimitError],
    ['api_error', 'INTERNAL_ERROR', 500, sdk.APIError],
    ['invalid_request_error', 'RESOURCE_CONFLICT', 409, sdk.ConflictError],
    ['invalid_request_error', 'RESOURCE_ALREADY_EXISTS', 409, sdk.ConflictError],
    ['idempotency_error', 'IDEMPOTENCY_KEY_IN_USE', 409, sdk.IdempotencyError],
    ['something_new', 'NEW', 418, sdk.APIError],
  ];
  for (const [type, code, status, Class] of cases) {
    const error = errorFrom({ type, code, message: 'm' }, { httpStatus: status, headers: HEADERS });
    assert.equal(error.constructor, Class, `${type} ${code}`);
    assert.ok(error instanceof sdk.StatesetError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, Class.name);
    assert.deepEqual([error.type, error.code, error.httpStatus, error.message], [type, code, status, 'm']);
    assert.equal(Stateset.errors[Class.name], Class);
  }
});

test('every field is carried: code, param, details, requestId, httpStatus, headers', () => {
  const body = {
    type: 'invalid_request_error',
    code: 'VALIDATION_ERROR',
    message: 'email is not a valid email address',
    param: 'email',
    details: [{ param: 'email', code: 'INVALID_FIELD_FORMAT', message: '...' }],
    request_id: 'req_body',
  };
  const error = errorFrom(body, { httpStatus: 422, headers: HEADERS });
  assert.equal(error.param, 'email');
  assert.deepEqual(error.details, body.details);
  assert.equal(error.requestId, 'req_body');
  assert.deepEqual(error.headers, HEADERS);
  assert.deepEqual(error.raw, body);
  const bare = errorFrom({}, { httpStatus: 500, headers: HEADERS });
  assert.ok(bare instanceof sdk.APIError);
  assert.deepEqual([bare.requestId, bare.code, bare.param, bare.details], ['req_header', null, null, []]);
  assert.equal(bare.message, 'the API answered an error');
});

test('a card error carries declineCode and paymentId; a rate limit error its limit', () => {
  const card = errorFrom(
    { type: 'card_error', code: 'CARD_DECLINED', message: 'declined', decline_code: 'insufficient_funds', payment_id: 'pay_1' },
    { httpStatus: 402, headers: HEADERS },
  );
  assert.deepEqual([card.declineCode, card.paymentId], ['insufficient_funds', 'pay_1']);
  const limited = errorFrom(
    { type: 'rate_limit_error', code: 'RATE_LIMIT_EXCEEDED', details: [{ param: 'per_day', limit: 1000 }] },
    { httpStatus: 429, headers: HEADERS },
  );
  assert.equal(limited.limit, 'per_day');
});

test('every class is exported by name and on Stateset.errors', () => {
  for (const name of [
    'StatesetError',
    'APIConnectionError',
    'AuthenticationError',
    'PermissionError',
    'InvalidRequestError',
    'NotFoundError',
    'ConflictError',
    'CardError',
    'IdempotencyError',
    'RateLimitError',
    'APIError',
    'SignatureVerificationError',
  ]) {
    assert.equal(typeof sdk[name], 'function', name);
    assert.equal(Stateset.errors[name], sdk[name], name);
    assert.equal(sdk.errors[name], sdk[name], name);
  }
});
