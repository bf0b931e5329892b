import type { Event } from './types.js';

/** The raw request body, exactly as it arrived: never parsed JSON. */
export type RawBody = string | Uint8Array;

export declare const webhooks: {
  readonly DEFAULT_TOLERANCE: 300;
  /**
   * The event a delivery carries, once its StateSet-Signature verifies (within
   * `tolerance` seconds, against any `v1` of the header); throws
   * SignatureVerificationError otherwise, and TypeError for a parsed body.
   */
  constructEvent(payload: RawBody, header: string, secret: string | string[], tolerance?: number): Event;
  /** As constructEvent, without parsing: true, or a thrown SignatureVerificationError. */
  verifyHeader(payload: RawBody, header: string, secret: string | string[], tolerance?: number): true;
  /** A StateSet-Signature header for a payload, as the server signs it (for tests). */
  generateTestHeaderString(args: {
    payload: RawBody;
    secret: string | string[];
    timestamp?: number;
  }): string;
};
