/**
 * `stateset.batch` and `stateset.files`: written by hand beside the generated resources.
 *
 * Neither is a route of the table the manifest is made from: a batch answers each
 * operation's own body (any object, or an error), and an upload is multipart/form-data
 * streamed from a path, a Buffer, a Blob or a stream, its contents bytes, not JSON.
 *
 * An upload is retried as any POST is (one Idempotency-Key across the attempts) only
 * when its body can be sent again whole: a path (opened afresh each attempt), bytes or a
 * Blob. A stream (a Readable, a web ReadableStream, any async iterable) is sent once: a
 * failure mid-way rejects with APIConnectionError rather than resending half of it.
 */

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

const encoder = new TextEncoder();

function quoted(name) {
  return String(name).replace(/[\r\n"\\]/g, (c) => encodeURIComponent(c));
}

/** Where the file's bytes come from, and whether they can be read again. */
function sourceOf(file, filename) {
  if (typeof file === 'string' || file instanceof URL) {
    return {
      chunks: () => createReadStream(file),
      rewindable: true,
      name: filename ?? basename(file instanceof URL ? file.pathname : file),
    };
  }
  if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    const bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
    return {
      chunks: async function* one() {
        yield bytes;
      },
      rewindable: true,
      name: filename ?? 'upload',
    };
  }
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    return { chunks: () => file.stream(), rewindable: true, name: filename ?? file.name ?? 'upload' };
  }
  if (file && typeof file[Symbol.asyncIterator] === 'function') {
    let used = false;
    return {
      chunks: () => {
        if (used) throw new Error('a stream is read once'); // never retried: see rewindable
        used = true;
        return file;
      },
      rewindable: false,
      name: filename ?? (typeof file.path === 'string' ? basename(file.path) : 'upload'),
    };
  }
  throw new TypeError(
    'file must be a path, a Buffer or Uint8Array, a Blob, or a binary stream (Readable, ReadableStream)',
  );
}

/** The multipart/form-data body of one upload, made afresh for each attempt. */
export function multipart(file, { purpose = 'bulk_input', filename } = {}) {
  const source = sourceOf(file, filename);
  const boundary = `stateset-${randomBytes(12).toString('hex')}`;
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(source.name)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    for await (const chunk of source.chunks()) {
      yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body,
    rewindable: source.rewindable,
  };
}

/** `stateset.batch`: /v1/batch. */
export class BatchResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /**
   * Runs up to 1,000 operations in one call: POST /v1/batch. Not atomic, each result is
   * that request's own answer (`status`, `body`); atomic, the first failure rejects with
   * its error class, `details[0].param` naming `operations[i]`, and nothing is kept.
   */
  create(params, options) {
    if (!params || !Array.isArray(params.operations)) {
      throw new TypeError('batch.create takes { operations: [{ method, path, body?, idempotency_key? }], atomic? }');
    }
    const body = { operations: params.operations, atomic: Boolean(params.atomic) };
    return this.#client._request('POST', '/v1/batch', { body, options });
  }
}

/** `stateset.files`: /v1/files. */
export class FilesResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /**
   * Uploads a file of up to 100 MB, streamed: POST /v1/files. `file` is a path, a Buffer,
   * a Blob or a binary stream; `filename` defaults to the path's or Blob's name.
   */
  create(params, options) {
    if (!params || params.file === undefined || params.file === null) {
      throw new TypeError("files.create takes { file, purpose: 'bulk_input', filename? }");
    }
    const { file, purpose, filename } = params;
    return this.#client._upload(multipart(file, { purpose, filename }), options);
  }

  /** One file: GET /v1/files/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/files/{id}', { path: { id }, options });
  }

  /**
   * The file's bytes, all in memory, as a Buffer: GET /v1/files/{id}/contents (for a
   * large file, `streamContents`).
   */
  contents(id, options) {
    return this.#client._bytes('/v1/files/{id}/contents', { path: { id }, options });
  }

  /**
   * The file's bytes as they arrive, never whole in memory: GET /v1/files/{id}/contents.
   * Resolves, once the answer's headers came, to a Readable of Buffers (`for await`,
   * `pipeline(stream, createWriteStream(path))`) with its `lastResponse`; `destroy()` it
   * to stop early. A body cut mid-way errors the stream with APIConnectionError.
   */
  streamContents(id, options) {
    return this.#client._stream('/v1/files/{id}/contents', { path: { id }, options });
  }
}
