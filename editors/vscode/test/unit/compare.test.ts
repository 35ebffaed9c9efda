import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { podSides, profileSide } from '../../src/logic/compare';

test('compare: a pod diff puts the saved snapshot left and the profile today right', () => {
  const [l, r] = podSides({ podName: 'dr', profile: 'project:coder', saved: '{\n  "a": 1\n}', current: '{\n  "a": 2\n}' }, 'dr');
  assert.equal(l.name, 'dr (saved snapshot).jsonc');
  assert.equal(l.text, '{\n  "a": 1\n}\n');
  assert.equal(r.name, 'project:coder (today).jsonc');
  assert.equal(r.text, '{\n  "a": 2\n}\n');
});

test('compare: an empty side explains itself', () => {
  const [, r] = podSides({ saved: '{}', message: 'the profile has no current resolution' }, 'x');
  assert.equal(r.text, '// the profile has no current resolution\n');
  assert.equal(r.name, 'its profile (today).jsonc');
});

test('compare: a profile side is its resolved manifest, named safely', () => {
  const s = profileSide('path:/a/b.nix', { qualifiedName: 'path:/a/b.nix', json: '{"x":1}', status: 'ok' });
  assert.equal(s.name, 'path:_a_b.nix (resolved).jsonc');
  assert.match(s.text, /"x": 1/);
});
