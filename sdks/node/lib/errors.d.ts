/** The fields of every error; null where the answer had none (or no answer came). */
export declare class StatesetError extends Error {
  constructor(message: string, fields?: Record<string, unknown>);
  /** The API's error type: invalid_request_error, card_error, ... */
  readonly type: string | null;
  /** The API's code: VALIDATION_ERROR, CARD_DECLINED, RESOURCE_CONFLICT, ... */
  readonly code: string | null;
  /** The parameter at fault, as REST names it (`line_items[0][unit_amount]`). */
  readonly param: string | null;
  /** Per-field or per-rule detail (an illegal transition's `from` and `to`). */
  readonly details: Array<Record<string, any>>;
  readonly requestId: string | null;
  /** null when no answer came. */
  readonly httpStatus: number | null;
  readonly headers: Record<string, string>;
  /** The error object as the API sent it. */
  readonly raw: Record<string, any>;
}
/** No answer came (refused, cut, timed out), after the retries. */
export declare class APIConnectionError extends StatesetError {}
/** 401. */
export declare class AuthenticationError extends StatesetError {}
/** 403. */
export declare class PermissionError extends StatesetError {}
/** 400, 408, 413, 415, 422. */
export declare class InvalidRequestError extends StatesetError {}
/** 404. */
export declare class NotFoundError extends InvalidRequestError {}
/** 409 RESOURCE_CONFLICT or RESOURCE_ALREADY_EXISTS. */
export declare class ConflictError extends InvalidRequestError {}
/** 402: a declined card. */
export declare class CardError extends StatesetError {
  readonly declineCode: string | null;
  /** The failed payment, recorded on the order. */
  readonly paymentId: string | null;
}
export declare class IdempotencyError extends StatesetError {}
/** 429. */
export declare class RateLimitError extends StatesetError {
  /** per_minute, per_day, burst or concurrent. */
  readonly limit: string | null;
}
/** 5xx, or an answer that cannot be read. */
export declare class APIError extends StatesetError {}
export declare class SignatureVerificationError extends StatesetError {
  readonly sigHeader: string | null;
}

export declare const errors: {
  StatesetError: typeof StatesetError;
  APIConnectionError: typeof APIConnectionError;
  AuthenticationError: typeof AuthenticationError;
  PermissionError: typeof PermissionError;
  InvalidRequestError: typeof InvalidRequestError;
  NotFoundError: typeof NotFoundError;
  ConflictError: typeof ConflictError;
  CardError: typeof CardError;
  IdempotencyError: typeof IdempotencyError;
  RateLimitError: typeof RateLimitError;
  APIError: typeof APIError;
  SignatureVerificationError: typeof SignatureVerificationError;
};
