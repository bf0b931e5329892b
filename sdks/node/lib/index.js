/**
 * The StateSet API's Node.js client.
 *
 *   import Stateset from 'stateset';
 *   const stateset = new Stateset({ apiKey: process.env.STATESET_API_KEY });
 *   const order = await stateset.orders.create({ currency: 'usd', line_items: [...] });
 */

import { Stateset } from './client.js';

export { Stateset };
export { Page } from './page.js';
export { VERSION } from './version.js';
export { webhooks } from './webhooks.js';
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
export default Stateset;
