import { Stateset } from './client.js';

export { Stateset };
export type { ClientOptions, LastResponse, RequestOptions, Response } from './core.js';
export { Page } from './page.js';
export type { PagePromise } from './page.js';
export declare const VERSION: string;
export { webhooks } from './webhooks.js';
export type { RawBody } from './webhooks.js';
export {
  errors,
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
} from './errors.js';
export type * from './types.js';
export type * from './resources.js';
export type * from './bulk.js';
export type * from './jobs.js';
export default Stateset;
