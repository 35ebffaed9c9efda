import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseServer, expandSetting, bundledServerPath } from '../../src/logic/serverPath';
import { bounds, buildSettings, initOptions, needsRestart } from '../../src/logic/settings';
import { attachTerminal, spawnArgs, validatePodName, firstObject, resolveOnPath, launchSpec } from '../../src/logic/pods';
import { driftSummary, languageStatus, podAction, podPickItems, podProgressTitle, profileLabel, profilePickItems, statusBarText } from '../../src/logic/status';
import { isRegistryFile, persistPlan, unsavedMessage } from '../../src/logic/persist';
import { isNoise } from '../../src/logic/logFilter';
import { profileFile, profileTemplate, projectFor, validateProfileName } from '../../src/logic/newProfile';
import { manifestPath, renderManifest } from '../../src/logic/manifest';
import { CrashCounter } from '../../src/logic/crash';

const base = { extensionPath: '/ext', platform: 'linux', arch: 'x64', home: '/home/u', workspaceFolder: '/ws' };

test('server path: the setting wins, with ~ and ${workspaceFolder} expanded', () => {
  const exists = () => true;
  assert.deepEqual(chooseServer({ ...base, setting: '~/bin/insomnia-lsp', exists }), {
    command: '/home/u/bin/insomnia-lsp',
    source: 'setting',
  });
  assert.equal(chooseServer({ ...base, setting: '${workspaceFolder}/bin/x', exists }).command, '/ws/bin/x');
  assert.equal(expandSetting('build/insomnia-lsp', '/ws'), path.join('/ws', 'build/insomnia-lsp'));
  assert.equal(expandSetting('insomnia-lsp', '/ws'), 'insomnia-lsp', 'a bare name stays a PATH lookup');
});

test('server path: the bundled binary for this platform, else PATH', () => {
  const bundled = bundledServerPath('/ext', 'linux', 'arm64');
  assert.equal(bundled, '/ext/bin/linux-arm64/insomnia-lsp');
  const seen: string[] = [];
  const got = chooseServer({ ...base, arch: 'arm64', setting: '  ', exists: (f) => (seen.push(f), f === bundled) });
  assert.deepEqual(got, { command: bundled, source: 'bundled' });
  assert.deepEqual(chooseServer({ ...base, setting: '', exists: () => false }), { command: 'insomnia-lsp', source: 'path' });
  assert.equal(chooseServer({ ...base, platform: 'win32', setting: '', exists: () => false }).command, 'insomnia-lsp.exe');
});

test('settings: defaults, user values, bad values; no trust in them', () => {
  const none = buildSettings(() => undefined, true);
  assert.deepEqual(none, {
    nixPath: 'nix-instantiate',
    evaluation: { timeoutMs: 10000, debounceMs: 200, maxConcurrent: 0, passEnv: [] },
    pod: { command: '', readyTimeoutMs: 60000 },
    inlayHints: { enable: true },
  });
  assert.equal(buildSettings((k) => (k === 'inlayHints.enable' ? false : undefined), true).inlayHints.enable, false);
  assert.equal('trusted' in none, false, 'trust is never part of the configuration answer');
  const vals: Record<string, unknown> = {
    nixPath: ' /nix/bin/nix-instantiate ',
    'evaluation.timeoutMs': 5,
    'evaluation.debounceMs': 'fast',
    'evaluation.maxConcurrent': 2.6,
    'evaluation.passEnv': ['GITHUB_TOKEN', 'MY_*', 'bad name', 7],
    'pod.command': '/opt/pod',
    'pod.readyTimeoutMs': 2000,
    trusted: true, // a repository's .vscode/settings.json could say this: no effect
  };
  const s = buildSettings((k) => vals[k], true);
  assert.equal(s.nixPath, '/nix/bin/nix-instantiate');
  assert.equal(s.evaluation.timeoutMs, 100, 'clamped to the minimum');
  assert.equal(s.evaluation.debounceMs, 200, 'a non-number falls back to the default');
  assert.equal(s.evaluation.maxConcurrent, 3);
  assert.deepEqual(s.evaluation.passEnv, ['GITHUB_TOKEN', 'MY_*'], 'only variable names pass');
  assert.equal(s.pod.command, '/opt/pod');
  assert.equal(s.pod.readyTimeoutMs, 2000);
  assert.equal('trusted' in s, false);
  assert.equal(needsRestart((k) => k === 'insomnia.server.path'), true);
  assert.equal(needsRestart((k) => k === 'insomnia.nixPath'), false);
});

test('settings: limits are clamped to the bounds the server uses', () => {
  const huge: Record<string, unknown> = {
    'evaluation.timeoutMs': 1e9,
    'evaluation.debounceMs': 1e9,
    'evaluation.maxConcurrent': 1e9,
    'pod.readyTimeoutMs': 1e9,
  };
  const hi = buildSettings((k) => huge[k], true);
  assert.deepEqual(hi.evaluation, { timeoutMs: 60000, debounceMs: 2000, maxConcurrent: 64, passEnv: [] });
  assert.equal(hi.pod.readyTimeoutMs, 300000);
  const lo = buildSettings((k) => (k.startsWith('evaluation.') || k.startsWith('pod.ready') ? -5 : undefined), true);
  assert.deepEqual(lo.evaluation, { timeoutMs: 100, debounceMs: 0, maxConcurrent: 0, passEnv: [] });
  assert.equal(lo.pod.readyTimeoutMs, 1000);
});

test('settings: an untrusted workspace gets no program from the settings', () => {
  const vals: Record<string, unknown> = { nixPath: '/tmp/evil', 'pod.command': '/tmp/evil-pod', 'evaluation.timeoutMs': 5000 };
  const s = buildSettings((k) => vals[k], false);
  assert.equal(s.nixPath, 'nix-instantiate');
  assert.equal(s.pod.command, '');
  assert.equal(s.evaluation.timeoutMs, 5000, 'limits still apply, within bounds');
});

test('initializationOptions carry trust: JSON true only when the workspace is trusted', () => {
  const s = buildSettings(() => undefined, true);
  assert.deepEqual(initOptions(s, true), { ...s, trusted: true });
  assert.equal(initOptions(s, false).trusted, false);
  assert.equal(initOptions(s, 'yes' as unknown as boolean).trusted, false, 'anything but true is restricted');
});

// package.json must say what settings.ts and the server enforce.
const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

test('package.json: minimum/maximum of the limits match the clamps', () => {
  const props = pkg.contributes.configuration.properties;
  const want: Record<string, { min: number; max: number }> = {
    'insomnia.evaluation.timeoutMs': bounds.timeoutMs,
    'insomnia.evaluation.debounceMs': bounds.debounceMs,
    'insomnia.evaluation.maxConcurrent': bounds.maxConcurrent,
    'insomnia.pod.readyTimeoutMs': bounds.readyTimeoutMs,
  };
  for (const [key, b] of Object.entries(want)) {
    assert.deepEqual([props[key].minimum, props[key].maximum], [b.min, b.max], key);
  }
  assert.equal(props['insomnia.trusted'], undefined, 'trust is not a setting');
});

test('package.json: every setting naming a program or a limit is a restricted configuration', () => {
  const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  const props = Object.keys(pkg.contributes.configuration.properties);
  // Display-only settings run nothing and lift no limit: a workspace may set them.
  const must = props.filter((k) => k !== 'insomnia.trace.server' && k !== 'insomnia.inlayHints.enable');
  assert.ok(must.length >= 7, 'the settings were found');
  for (const key of must) assert.ok(restricted.includes(key), `${key} is restricted`);
  for (const key of restricted) assert.ok(props.includes(key), `${key} is a real setting`);
});

test('pod names and spawn arguments', () => {
  assert.equal(validatePodName(''), undefined, 'empty: the server proposes a name');
  for (const ok of ['coder-1', 'Coder_2', 'a.b', '-a', 'x'.repeat(255)]) {
    assert.equal(validatePodName(ok), undefined, `${ok} is a valid name`);
  }
  for (const bad of ['.', '..', 'a b', 'a/b', 'a\u0000b', 'é', 'x'.repeat(256)]) {
    assert.ok(validatePodName(bad), `${bad} must be refused`);
  }
  assert.deepEqual(spawnArgs('project:coder', ''), { profile: 'project:coder' });
  assert.deepEqual(spawnArgs('project:coder', 'c1'), { profile: 'project:coder', name: 'c1' });
  assert.deepEqual(firstObject([{ profile: 'p' }]), { profile: 'p' });
  assert.equal(firstObject([]), undefined);
  assert.equal(firstObject([['x']]), undefined);
});

test('attach terminal runs the attach argv without a shell', () => {
  assert.deepEqual(attachTerminal({ podName: 'c1', attach: ['insomnia', '--pod', 'c1'] }), {
    name: 'insomnia: c1',
    shellPath: 'insomnia',
    shellArgs: ['--pod', 'c1'],
  });
  assert.throws(() => attachTerminal({ podName: 'c1', attach: [] }), /no attach command/);
  assert.throws(() => attachTerminal({ podName: 'c1', attach: ['', 'x'] }), /no attach command/);
  assert.throws(() => attachTerminal({ podName: '' }), /no pod name/);
  assert.throws(() => attachTerminal(undefined), /no pod name/);
});

test('language status text, busy and severity', () => {
  assert.equal(profileLabel('project:coder', true), 'profile: project:coder (default)');
  assert.equal(profileLabel('user:reviewer', false), 'profile: user:reviewer');
  const busy = languageStatus({ qualifiedName: 'project:coder', isDefault: true, state: 'evaluating' });
  assert.deepEqual(busy, { text: 'profile: project:coder (default)', detail: 'evaluating…', busy: true, severity: 'info' });
  const bad = languageStatus({ qualifiedName: 'project:broken', state: 'error', message: 'undefined variable' });
  assert.equal(bad.severity, 'error');
  assert.equal(bad.busy, false);
  assert.equal(bad.detail, 'undefined variable');
  assert.equal(languageStatus(undefined).text, 'profile: …');
  assert.equal(languageStatus({ state: 'ok' }).text, 'profile: none', 'a .nix file that is no profile');
});

const profiles = [
  { qualifiedName: 'project:reviewer', description: 'reviews', status: 'ok' },
  { qualifiedName: 'project:broken', status: 'error', path: '/ws/broken.nix' },
  { qualifiedName: 'project:coder', description: 'writes code', isDefault: true, status: 'evaluating' },
];

test('profile quick pick: default first, marker, description, status', () => {
  const items = profilePickItems(profiles);
  assert.deepEqual(
    items.map((i) => i.value.qualifiedName),
    ['project:coder', 'project:broken', 'project:reviewer'],
  );
  assert.equal(items[0].label, '$(sync~spin) project:coder');
  assert.equal(items[0].description, '(default) writes code');
  assert.equal(items[0].picked, true);
  assert.equal(items[1].detail, 'evaluation failed · /ws/broken.nix');
  assert.equal(items[2].description, 'reviews');
  assert.equal(items[2].detail, 'evaluated');
});

test('status bar shows the default profile', () => {
  assert.equal(statusBarText(profiles).text, '$(server-environment) project:coder');
  assert.match(statusBarText([]).text, /no default/);
});

test('without Nix the status bar and language status warn', () => {
  const bar = statusBarText([{ qualifiedName: 'project:coder', isDefault: true, status: 'nix-missing' }]);
  assert.equal(bar.text, '$(warning) Insomnia: Nix not found');
  assert.equal(bar.warning, true);
  assert.notEqual(statusBarText(profiles).warning, true);
  const lang = languageStatus({ qualifiedName: 'project:coder', state: 'nix-missing', message: 'Nix not found' });
  assert.equal(lang.severity, 'warning');
  assert.equal(lang.detail, 'Nix not found');
});

test('pod quick pick shows drift', () => {
  const items = podPickItems([
    { name: 'c1', state: 'running', profile: 'project:coder', drift: [] },
    {
      name: 'c2',
      state: 'stopped',
      profile: 'project:coder',
      drift: [
        { path: 'pod.model', saved: 'a', current: 'b' },
        { path: 'pod.env.X', saved: undefined, current: 1 },
        { path: 'pod.tools', saved: [], current: ['x'] },
      ],
    },
  ]);
  assert.equal(items[0].label, '$(vm) c1');
  assert.equal(items[0].description, 'running — Attach · project:coder');
  assert.equal(items[0].detail, 'matches its profile');
  assert.equal(items[1].label, '$(warning) c2');
  assert.equal(items[1].detail, 'drift: pod.model: "a" → "b"; pod.env.X: (unset) → 1 (+1 more)');
  assert.match(driftSummary([{ path: 'p', saved: 'x'.repeat(80), current: 1 }]), /…/);
});

test('resolved manifest document', () => {
  assert.equal(manifestPath('file:///ws/profiles/coder.nix'), '/coder.nix (resolved).jsonc');
  assert.equal(manifestPath('file:///ws/my%20profile.nix'), '/my profile.nix (resolved).jsonc');
  const ok = renderManifest({ qualifiedName: 'project:coder', hash: 'abc', status: 'ok', message: 'ok', json: { pod: { name: 'c' } } });
  assert.equal(ok, '// profile: project:coder\n// hash: abc\n{\n  "pod": {\n    "name": "c"\n  }\n}\n');
  assert.equal(renderManifest({ json: '{"a":1}' }), '{\n  "a": 1\n}\n');
  const err = renderManifest({ status: 'error', message: 'line 1\nline 2' });
  assert.equal(err, '// status: error\n// line 1\n// line 2\n// No resolved manifest yet.\n');
});

test('crash counter: restarts 4 times within 3 minutes, then gives up', () => {
  const c = new CrashCounter();
  const got = [0, 1000, 2000, 3000, 4000].map((t) => c.record(t).restart);
  assert.deepEqual(got, [true, true, true, true, false]);
  assert.equal(c.record(4000 + 3 * 60_000).restart, true, 'old crashes are forgotten');
});

test('attach program is looked up on the extension host PATH', () => {
  const exe = new Set(['/opt/insomnia/bin/insomnia', '/usr/bin/insomnia']);
  const isExe = (f: string) => exe.has(f);
  assert.equal(resolveOnPath('insomnia', '/nope::/opt/insomnia/bin:/usr/bin', isExe, ':'), '/opt/insomnia/bin/insomnia');
  assert.equal(resolveOnPath('insomnia', '/nope', isExe, ':'), 'insomnia', 'not found: left to the terminal');
  assert.equal(resolveOnPath('./bin/insomnia', '/usr/bin', isExe, ':'), './bin/insomnia', 'a path is not searched');
  assert.equal(resolveOnPath('insomnia', undefined, isExe, ':'), 'insomnia');
});

test('attach launch: absolute when found, else through env, never env on Windows', () => {
  const spec = { name: 'insomnia: c1', shellPath: 'insomnia', shellArgs: ['--pod', 'c1'] };
  assert.deepEqual(launchSpec(spec, '/usr/bin/insomnia', 'linux'), { ...spec, shellPath: '/usr/bin/insomnia' });
  assert.deepEqual(launchSpec(spec, 'insomnia', 'linux'), {
    name: 'insomnia: c1',
    shellPath: '/usr/bin/env',
    shellArgs: ['insomnia', '--pod', 'c1'],
  });
  assert.deepEqual(launchSpec(spec, 'insomnia', 'win32'), spec);
});

test('pods: one verb per state, Attach for a live pod, Resume for a stopped one', () => {
  for (const st of ['running', 'idle', 'paused']) assert.equal(podAction(st), 'Attach', st);
  assert.equal(podAction('stopped'), 'Resume');
  assert.equal(podAction('corrupt'), undefined);
  assert.equal(podAction(undefined), undefined);
  assert.equal(podProgressTitle('c1', 'idle'), 'Attaching to pod c1…');
  assert.equal(podProgressTitle('c2', 'stopped'), 'Resuming pod c2…');
  const [idle, stopped, corrupt] = podPickItems([
    { name: 'a', state: 'idle', profile: 'project:coder' },
    { name: 'b', state: 'stopped' },
    { name: 'c', state: 'corrupt' },
  ]);
  assert.equal(idle.description, 'idle — Attach · project:coder');
  assert.equal(stopped.description, 'stopped — Resume');
  assert.equal(corrupt.description, 'corrupt');
});

test('persist: a server edit to profiles.toml is saved unless the user had unsaved changes', () => {
  const plan = persistPlan([
    { uri: 'file:///w/.insomnia/profiles.toml', path: '/w/.insomnia/profiles.toml', dirtyBefore: false },
    { uri: 'file:///h/.config/insomnia/profiles.toml', path: '/h/.config/insomnia/profiles.toml', dirtyBefore: true },
    { uri: 'file:///w/coder.nix', path: '/w/coder.nix', dirtyBefore: false },
    { uri: 'untitled:profiles.toml', path: '', dirtyBefore: false },
  ]);
  assert.deepEqual(plan.save, ['file:///w/.insomnia/profiles.toml']);
  assert.deepEqual(plan.unsaved, ['file:///h/.config/insomnia/profiles.toml']);
  assert.ok(isRegistryFile('C:\\w\\profiles.toml'));
  assert.ok(!isRegistryFile('/w/my-profiles.toml'));
  assert.equal(unsavedMessage('profiles.toml'), 'profiles.toml has unsaved changes: save it to make the change take effect');
});

test('output: the planned exit (code 0) is not logged as an error; crashes are', () => {
  assert.ok(isNoise('[Error - 6:59:09 PM] Server process exited with code 0.'));
  assert.ok(!isNoise('[Error - 6:59:09 PM] Server process exited with code 1.'));
  assert.ok(!isNoise('[Error - 6:59:09 PM] Server process exited with signal SIGKILL.'));
  assert.ok(!isNoise('12:00:00.000 INFO evaluated profile=project:coder'));
});

test('new profile: name checks, file under .insomnia/profiles, a template naming it', () => {
  assert.equal(validateProfileName('qa'), undefined);
  assert.match(validateProfileName('../x') ?? '', /letters/);
  assert.match(validateProfileName('qa.nix') ?? '', /without \.nix/);
  assert.equal(profileFile('/w/', 'qa'), '/w/.insomnia/profiles/qa.nix');
  const t = profileTemplate('qa');
  assert.match(t, /pod\.name = "qa";/);
  assert.match(t, /name = "qa";/);
  assert.match(t, /manifest = \{/, 'a marker the server takes for a profile');
});

test('package.json: no .toml claimed but profiles.toml, no Nix grammar, snippets parse', () => {
  const langs = pkg.contributes.languages as { id: string; extensions?: string[]; filenames?: string[] }[];
  assert.ok(!langs.some((l) => (l.extensions ?? []).includes('.toml')), 'a .toml extension is claimed');
  assert.ok(!langs.some((l) => l.id === 'toml'), 'the toml language is contributed');
  assert.deepEqual(langs.find((l) => l.id === 'insomnia-profiles')?.filenames, ['profiles.toml']);
  const grammars = pkg.contributes.grammars as { language: string; scopeName: string }[];
  assert.ok(!grammars.some((g) => g.language === 'nix' || g.scopeName === 'source.nix' || g.scopeName === 'source.toml'));
  for (const s of pkg.contributes.snippets as { path: string }[]) {
    const body = JSON.parse(fs.readFileSync(path.join(__dirname, '../../..', s.path), 'utf8'));
    assert.ok(Object.keys(body).length >= 3);
  }
  const cmds = (pkg.contributes.commands as { command: string; title: string }[]).map((c) => c.title);
  assert.ok(cmds.includes('Attach or Resume Pod…') && cmds.includes('New Profile…'));
});

test('new profile: joins the project of the active file, else the workspace folder', () => {
  const projects = new Set(['/repo/examples/.insomnia/profiles.toml']);
  const exists = (p: string) => projects.has(p);
  assert.equal(projectFor('/repo/examples/.insomnia/profiles/coder.nix', '/repo', exists), '/repo/examples');
  assert.equal(projectFor('/repo/README.md', '/repo', exists), '/repo');
  assert.equal(projectFor(undefined, '/repo', exists), '/repo');
  assert.equal(projectFor('/elsewhere/x.nix', '/repo', exists), '/repo');
});
