// The package as a whole (offline): every route of the manifest on the client, the
// declarations checked by tsc over the typed example, the README's quickstart.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import Stateset, { VERSION } from 'stateset';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path) => readFileSync(join(ROOT, path), 'utf8');
const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

test('every resource and method of the manifest is on the client, in camelCase', () => {
  const manifest = JSON.parse(read('../manifest.json'));
  const stateset = new Stateset({ apiKey: 'sk_test_x' });
  for (const [resource, spec] of Object.entries(manifest.resources)) {
    const client = stateset[camel(resource)];
    assert.ok(client, resource);
    for (const method of spec.methods) {
      assert.equal(typeof client[camel(method.name)], 'function', `${resource}.${method.name}`);
    }
  }
  assert.equal(typeof stateset.webhookEndpoints.rotateSecret, 'function');
  assert.equal(typeof stateset.apiKeys.create, 'function');
});

test('the version is 0.1.0 everywhere', () => {
  const pkg = JSON.parse(read('package.json'));
  assert.equal(pkg.version, '0.1.0');
  assert.equal(VERSION, pkg.version);
  assert.equal(Stateset.VERSION, pkg.version);
  assert.deepEqual(Object.keys(pkg.dependencies), ['ws']);
});

test("the README's quickstart is examples/quickstart.mjs, verbatim", () => {
  const readme = read('README.md');
  const quickstart = read('examples/quickstart.mjs');
  assert.ok(readme.includes('```js\n' + quickstart + '```'), 'README quickstart differs from the example');
  assert.ok(readme.includes('npm install ./sdks/node'));
});

test('the declarations type-check the typed example with tsc --noEmit (strict)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', join(ROOT, 'tsconfig.json')], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (failure) {
    assert.fail(`tsc found errors:\n${failure.stdout}${failure.stderr}`);
  }
});
