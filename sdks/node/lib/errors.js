/**
 * One error class per error `type` of the API, under StatesetError:
 *
 *   StatesetError
 *   ├── APIConnectionError          no answer came (refused, cut, timed out), after the retries
 *   ├── AuthenticationError         401
 *   ├── PermissionError             403
 *   ├── InvalidRequestError         400, 408, 413, 415, 422
 *   │   ├── NotFoundError           404
 *   │   └── ConflictError           409 RESOURCE_CONFLICT / RESOURCE_ALREADY_EXISTS
 *   ├── CardError                   402, with declineCode and paymentId
 *   ├── IdempotencyError            the key was reused with another request, or is in use
 *   ├── RateLimitError              429, with the limit hit
 *   ├── APIError                    5xx, or an answer that cannot be read
 *   └── SignatureVerificationError  a webhook's StateSet-Signature does not verify
 */

export class StatesetError extends Error {
  /**
   * @param {string} message
   * @param {object} [fields] type, code, param, details, requestId, httpStatus, headers, raw
   */
  constructor(message, fields = {}) {
    super(message);
    this.name = new.target.name;
    this.type = fields.type ?? null;
    this.code = fields.code ?? null;
    this.param = fields.param ?? null;
    this.details = Array.isArray(fields.details) ? fields.details : [];
    this.requestId = fields.requestId ?? null;
    /** null when no answer came. */
    this.httpStatus = fields.httpStatus ?? null;
    this.headers = fields.headers ?? {};
    /** The error object exactly as the API sent it. */
    this.raw = fields.raw ?? {};
  }
}

export class APIConnectionError extends StatesetError {}

export class AuthenticationError extends StatesetError {}

export class PermissionError extends StatesetError {}

export class InvalidRequestError extends StatesetError {}

/** 404: no such object in this account and mode. */
export class NotFoundError extends InvalidRequestError {}

/** 409 RESOURCE_CONFLICT or RESOURCE_ALREADY_EXISTS; an illegal transition's details name from and to. */
export class ConflictError extends InvalidRequestError {}

/** 402: the card was declined; the failed payment is recorded as paymentId. */
export class CardError extends StatesetError {
  constructor(message, fields = {}) {
    super(message, fields);
    this.declineCode = fields.declineCode ?? null;
    this.paymentId = fields.paymentId ?? null;
  }
}

export class IdempotencyError extends StatesetError {}

/** 429: limit names the limit hit (per_minute, per_day, burst, concurrent). */
export class RateLimitError extends StatesetError {
  constructor(message, fields = {}) {
    super(message, fields);
    this.limit = fields.limit ?? null;
  }
}

export class APIError extends StatesetError {}

export class SignatureVerificationError extends StatesetError {
  constructor(message, fields = {}) {
    super(message, fields);
    this.sigHeader = fields.sigHeader ?? null;
  }
}

const BY_TYPE = {
  invalid_request_error: InvalidRequestError,
  authentication_error: AuthenticationError,
  permission_error: PermissionError,
  not_found_error: NotFoundError,
  card_error: CardError,
  idempotency_error: IdempotencyError,
  rate_limit_error: RateLimitError,
  api_error: APIError,
};

const CONFLICT_CODES = new Set(['RESOURCE_CONFLICT', 'RESOURCE_ALREADY_EXISTS']);

/**
 * The error for one error object of the API (REST's `error`, or a GraphQL error's
 * `extensions` with its `message`).
 *
 * @param {Record<string, any>} error
 * @param {{httpStatus: number | null, headers: Record<string, string>}} answer
 * @returns {StatesetError}
 */
export function errorFrom(error, { httpStatus, headers }) {
  const type = typeof error.type === 'string' && error.type ? error.type : 'api_error';
  const code = typeof error.code === 'string' ? error.code : null;
  const Class = CONFLICT_CODES.has(code) ? ConflictError : (BY_TYPE[type] ?? APIError);
  const details = Array.isArray(error.details) ? error.details : [];
  const fields = {
    type,
    code,
    param: error.param ?? null,
    details,
    requestId: error.request_id ?? headers['x-request-id'] ?? null,
    httpStatus,
    headers,
    raw: error,
    declineCode: error.decline_code ?? null,
    paymentId: error.payment_id ?? null,
    limit: details.find((d) => d && typeof d === 'object' && d.param)?.param ?? null,
  };
  const message =
    typeof error.message === 'string' && error.message ? error.message : 'the API answered an error';
  return new Class(message, fields);
}

/** Every class by name, as `Stateset.errors` offers them. */
export const errors = {
  StatesetError,
  APIConnectionError,
  AuthenticationError,
  PermissionError,
  InvalidRequestError,
  NotFoundError,
  ConflictError,
  CardError,
  IdempotencyError,
  RateLimitError,
  APIError,
  SignatureVerificationError,
};
