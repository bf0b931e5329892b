/** What the client and every call share: options, and the answer an object came from. */

export interface ClientOptions {
  /** A secret key (sk_test_..., sk_live_...) or restricted key; defaults to STATESET_API_KEY. */
  apiKey?: string;
  /** The server's root (the SDK adds /v1 and /graphql); defaults to STATESET_BASE_URL, then http://127.0.0.1:8000. */
  baseUrl?: string;
  /** Milliseconds one attempt may take (30000). */
  timeout?: number;
  /** Retries after the first attempt (2). */
  maxRetries?: number;
  /** The fetch to send with (globalThis.fetch): for tests, proxies and instrumentation. */
  fetch?: typeof globalThis.fetch;
}

/** The optional last argument of every method: overrides for this one call. */
export interface RequestOptions {
  /** Sent as Idempotency-Key on a POST, PATCH or DELETE (else a new UUID, kept across retries). */
  idempotencyKey?: string;
  timeout?: number;
  maxRetries?: number;
  apiKey?: string;
}

/** The answer an object or page came from. */
export interface LastResponse {
  /** X-Request-Id: `req_...`. */
  requestId: string | null;
  httpStatus: number;
  /** Header names in lower case (`idempotent-replayed`, `x-request-id`, ...). */
  headers: Record<string, string>;
  /** The Idempotency-Key sent (null on a GET). */
  idempotencyKey: string | null;
}

/** An object as REST answers it, with the answer it came from (not enumerable). */
export type Response<T> = T & { readonly lastResponse: LastResponse };
