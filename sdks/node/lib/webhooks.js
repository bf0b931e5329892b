/**
 * Verifying a webhook delivery's StateSet-Signature header.
 *
 * The header is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with one
 * `v1` per secret in force (two while a rotated secret overlaps the new one); the HMAC
 * key is the whole `whsec_...` secret.
 */

import crypto from 'node:crypto';

import { SignatureVerificationError } from './errors.js';

export const DEFAULT_TOLERANCE = 300;

function rawBody(payload) {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const kind = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
  throw new TypeError(
    `payload must be the raw request body (a Buffer or string), not ${kind}: pass the body ` +
      'exactly as received, before any JSON parsing (e.g. express.raw({ type: "application/json" }) ' +
      'or await request.text()); a parsed and re-serialised body no longer matches its signature',
  );
}

function secretsOf(secret) {
  const secrets = Array.isArray(secret) ? secret : [secret];
  if (!secrets.length || !secrets.every((s) => typeof s === 'string' && s)) {
    throw new TypeError("secret must be the endpoint's whsec_... secret (or an array of them)");
  }
  return secrets;
}

function parseHeader(header) {
  let timestamp = null;
  const signatures = [];
  if (typeof header !== 'string') return { timestamp, signatures };
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't') {
      if (!/^\d+$/.test(value)) return { timestamp: null, signatures: [] };
      timestamp = Number(value);
    } else if (name === 'v1' && value) {
      signatures.push(value);
    }
  }
  return { timestamp, signatures };
}

function sign(body, timestamp, secret) {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * Throws SignatureVerificationError unless one `v1` of the header is the payload's
 * signature under one of the secrets, at a time within `tolerance` seconds of now.
 */
function verifyHeader(payload, header, secret, tolerance = DEFAULT_TOLERANCE) {
  const body = rawBody(payload);
  const secrets = secretsOf(secret);
  const { timestamp, signatures } = parseHeader(header);
  if (timestamp === null || !signatures.length) {
    throw new SignatureVerificationError('the StateSet-Signature header has no t= and v1= parts', {
      sigHeader: header,
    });
  }
  if (tolerance > 0 && Math.abs(Date.now() / 1000 - timestamp) > tolerance) {
    throw new SignatureVerificationError(
      `the signature's timestamp is outside the ${tolerance} s tolerance`,
      { sigHeader: header },
    );
  }
  const expected = secrets.map((s) => Buffer.from(sign(body, timestamp, s), 'utf8'));
  let matched = false;
  // Every candidate against every secret, with no early exit: the time taken tells nothing.
  for (const candidate of signatures) {
    const given = Buffer.from(candidate, 'utf8');
    for (const wanted of expected) {
      if (given.length === wanted.length && crypto.timingSafeEqual(given, wanted)) matched = true;
    }
  }
  if (!matched) {
    throw new SignatureVerificationError(
      "no v1 signature matches the payload for this secret; is the payload the raw body, " +
        "unparsed, and the secret this endpoint's?",
      { sigHeader: header },
    );
  }
  return true;
}

/**
 * The event a delivery carries, once its signature verifies. `payload` must be the raw
 * request body (Buffer or string), exactly as it arrived.
 */
function constructEvent(payload, header, secret, tolerance = DEFAULT_TOLERANCE) {
  verifyHeader(payload, header, secret, tolerance);
  try {
    return JSON.parse(rawBody(payload).toString('utf8'));
  } catch (failure) {
    const error = new SignatureVerificationError('the payload is not JSON', { sigHeader: header });
    error.cause = failure;
    throw error;
  }
}

/**
 * A StateSet-Signature header for `payload`, as the server would send it: for tests of
 * a webhook handler. `secret` may be an array (a rotation's two v1).
 */
function generateTestHeaderString({ payload, secret, timestamp = Math.floor(Date.now() / 1000) }) {
  const body = rawBody(payload);
  const v1 = secretsOf(secret).map((s) => `v1=${sign(body, timestamp, s)}`);
  return [`t=${timestamp}`, ...v1].join(',');
}

export const webhooks = Object.freeze({
  DEFAULT_TOLERANCE,
  constructEvent,
  verifyHeader,
  generateTestHeaderString,
});
