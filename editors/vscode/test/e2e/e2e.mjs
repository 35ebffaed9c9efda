// End-to-end test of the extension in real VS Code (code-server) through
// Chromium, as a user would use it. Started by scripts/e2e-vscode.sh, which
// passes the page URL and the expected values in the environment. Each check
// saves a screenshot in $E2E_ART; the last line is "N passed, N failed".
import { chromium } from 'playwright-core';
import * as fs from 'node:fs';
import * as path from 'node:path';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const URL = env('E2E_URL');
const WS = env('E2E_WS');
const HOME = env('E2E_HOME');
const ART = env('E2E_ART');
const UD = env('E2E_UD');
const CRASH_SERVER = env('E2E_CRASH_SERVER');
const [brokenLine, brokenCol] = env('E2E_BROKEN_POS').split(':').map(Number);
// The default profile as profiles.toml says, qualified the way the contract names
// project profiles.
const tomlPath = path.join(WS, '.insomnia', 'profiles.toml');
const defaultName = /^default\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(tomlPath, 'utf8'))?.[1];
const POD = 'e2e-coder';

let passed = 0;
let failed = 0;
let page;
let shot = 0;
let stopped = false;

function log(msg) {
  console.log(`[e2e] ${msg}`);
}

async function screenshot(name) {
  const file = path.join(ART, `${String(++shot).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file });
  } catch (err) {
    log(`screenshot ${name}: ${err.message}`);
  }
  return file;
}

// E2E_STOP_AFTER=<check> ends the run after that check (when iterating on the test).
async function check(name, fn) {
  if (stopped) return;
  const t0 = Date.now();
  try {
    const detail = await fn();
    passed++;
    const file = await screenshot(name);
    log(`PASS ${name}${detail ? `: ${detail}` : ''} (${Date.now() - t0} ms, ${path.basename(file)})`);
  } catch (err) {
    failed++;
    const file = await screenshot(`${name}-FAILED`);
    log(`FAIL ${name}: ${err.message.split('\n')[0]} (${path.basename(file)})`);
    await notifications();
  }
  if (process.env.E2E_STOP_AFTER === name) stopped = true;
}

async function notifications() {
  const texts = await page.locator('.notification-toast .notification-list-item-message').allInnerTexts().catch(() => []);
  for (const t of texts) log(`  notification: ${t}`);
}

// waitText polls a locator until one of its elements' text matches re.
async function waitText(locator, re, timeout, what) {
  const end = Date.now() + timeout;
  let last = [];
  while (Date.now() < end) {
    // Monaco renders spaces as no-break spaces.
    last = (await locator.allInnerTexts().catch(() => [])).map((t) => t.replace(/\u00a0/g, ' '));
    const hit = last.find((t) => re.test(t));
    if (hit !== undefined) return hit;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: no text matching ${re} within ${timeout} ms; saw ${JSON.stringify(last.slice(0, 6))}`);
}

// waitLog waits for a line in the extension's "Insomnia" output channel, which
// VS Code writes under the user-data dir.
async function waitLog(re, timeout) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of findFiles(path.join(UD, 'logs'), /Insomnia\.log$/)) {
      if (re.test(fs.readFileSync(f, 'utf8'))) return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no ${re} in the Insomnia output within ${timeout} ms`);
}

function findFiles(dir, re) {
  let out = [];
  for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out = out.concat(findFiles(p, re));
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

async function quickInput(prefixKey, text) {
  await page.keyboard.press(prefixKey);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
  return input;
}

async function runCommand(title) {
  await quickInput('F1', `>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function openFile(rel) {
  await quickInput('Control+P', rel);
  const base = path.basename(rel);
  // Enter once the top row is the file: clicking a row races the list's
  // re-sorting while results arrive (a click once opened broken.nix instead).
  const top = page.locator('.quick-input-list .monaco-list-row[data-index="0"]');
  await waitText(top, new RegExp(base.replace(/[.]/g, '\\.')), 15_000, `quick open for ${rel}`);
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${base}"], .tab.active:has-text("${base}")`).first().waitFor({ timeout: 10_000 });
  // Focus the text (commands for Nix files are offered only there) without a
  // click, which would scroll the editor.
  await page
    .locator('.editor-group-container.active .monaco-editor :is(textarea.inputarea, .native-edit-context)')
    .first()
    .focus();
}

// tomlDefault: the default profiles.toml names on disk now.
function tomlDefault() {
  return /^default\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(tomlPath, 'utf8'))?.[1];
}

async function waitDisk(pred, timeout, what) {
  const end = Date.now() + timeout;
  while (!pred(fs.readFileSync(tomlPath, 'utf8'))) {
    if (Date.now() > end) throw new Error(`${what}; profiles.toml on disk:\n${fs.readFileSync(tomlPath, 'utf8')}`);
    await page.waitForTimeout(250);
  }
}

// tomlTabDirty: a profiles.toml tab with unsaved changes (the dot on the tab).
async function tomlTabDirty() {
  return (await page.locator('.tab.dirty', { hasText: 'profiles.toml' }).count()) > 0;
}

async function clickLens(text) {
  const lens = page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a', { hasText: text }).first();
  await lens.waitFor({ timeout: 30_000 });
  const title = (await lens.innerText()).trim();
  await lens.click();
  return title;
}

async function toast(re, timeout) {
  const t = page.locator('.notification-toast', { hasText: re }).first();
  await t.waitFor({ timeout });
  return t;
}

// toastText: the message of a toast as the user reads it (without its source line).
async function toastText(t) {
  return (await t.locator('.notification-list-item-message').first().innerText()).replace(/\s+/g, ' ').trim();
}

// podRow waits for the pod's row in the Attach or Resume picker and returns its text.
async function podRow(name, re) {
  await runCommand('Insomnia: Attach or Resume Pod…');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  const text = (await waitText(row, re, 15_000, `picker row of ${name}`)).replace(/\s+/g, ' ');
  return { row, text };
}

async function terminalCount(name) {
  return page.locator('.terminal-tabs-entry', { hasText: `insomnia: ${name}` }).count();
}

async function waitTerminals(name, n) {
  const end = Date.now() + 30_000;
  while ((await terminalCount(name)) < n) {
    if (Date.now() > end) throw new Error(`fewer than ${n} terminals for pod ${name}`);
    await page.waitForTimeout(250);
  }
}

async function goTo(line, col) {
  await quickInput('Control+G', `:${line}:${col}`);
  await page.keyboard.press('Enter');
}

async function main() {
  fs.mkdirSync(ART, { recursive: true });
  // launch() gives Chromium a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await ctx.newPage();
  try {
    await page.goto(URL);
    await steps();
  } finally {
    await browser.close();
  }
}

async function steps() {
  await check('untrusted-restricted-mode', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const no = page.getByRole('button', { name: /No, I don.t trust the authors/ });
    await no.waitFor({ timeout: 30_000 });
    await no.click();
    await page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: 10_000 });
    await waitLog(/starting .* trusted=false/, 30_000);
    // Our own parser still checks syntax in Restricted Mode.
    await openFile('.insomnia/profiles/broken.nix');
    await page.keyboard.press('Control+Shift+M');
    await waitText(page.locator('.markers-panel .monaco-list-row'), new RegExp(`\\[Ln ${brokenLine}, Col`), 30_000, 'Problems panel');
    // Spawning runs programs: not offered in an untrusted workspace.
    await quickInput('F1', '>Insomnia: Spawn Pod');
    await page.waitForTimeout(1000);
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    await screenshot('untrusted-palette');
    await page.keyboard.press('Escape');
    if (rows.some((r) => r.includes('Spawn Pod with This Profile'))) throw new Error('spawn offered while untrusted');
    return 'server started with trusted=false; syntax error shown; no spawn command';
  });

  await check('grant-trust-restarts-server', async () => {
    await runCommand('Workspaces: Manage Workspace Trust');
    const trust = page.getByRole('button', { name: 'Trust', exact: true }).first();
    await trust.waitFor({ timeout: 15_000 });
    await trust.click();
    await waitLog(/workspace trusted: restarting/, 30_000);
    await waitLog(/starting .* trusted=true/, 30_000);
    await page.keyboard.press('Control+W'); // the trust editor
    return 'server restarted with trusted=true';
  });

  await check('problems-panel-broken-profile', async () => {
    await openFile('.insomnia/profiles/broken.nix');
    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    // Exactly where real Nix says the error is (line and column).
    const want = new RegExp(`\\[Ln ${brokenLine}, Col ${brokenCol}\\]`);
    const hit = await waitText(rows, want, 30_000, 'Problems panel');
    const file = await waitText(rows, /broken\.nix/, 2_000, 'Problems panel file row');
    return `${file.split('\n')[0]} / ${hit.replace(/\s+/g, ' ')} (nix: line ${brokenLine}, col ${brokenCol})`;
  });

  await check('code-lens-profile', async () => {
    await openFile('.insomnia/profiles/coder.nix');
    const want = `profile: project:${defaultName} (default)`;
    const lens = page.locator('.monaco-editor .codelens-decoration');
    const text = await waitText(lens, new RegExp(want.replace(/[()]/g, '\\$&')), 30_000, 'code lens');
    return text.replace(/\s+/g, ' ');
  });

  await check('language-status-item', async () => {
    // The `{}` language status of the Nix file lists our item; hovering shows it.
    await page.locator('#status\\.languageStatus').hover();
    const hover = page.locator('.monaco-hover:not(.hidden)');
    return (await waitText(hover, /profile: project:coder \(default\)/, 20_000, 'language status')).replace(/\s+/g, ' ');
  });

  await check('hover-resolved-manifest', async () => {
    // The call that builds the profile: hover there shows the whole manifest.
    const src = fs.readFileSync(path.join(WS, '.insomnia/profiles/coder.nix'), 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('mkRole')) + 1;
    const col = src[line - 1].indexOf('mkRole') + 2;
    await goTo(line, col);
    await runCommand('Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents');
    const text = await waitText(hover, /"name":\s*"coder"/, 30_000, 'hover');
    if (!/project:coder/.test(text)) throw new Error(`hover does not name the profile: ${text.slice(0, 200)}`);
    await screenshot('hover-open');
    await page.keyboard.press('Escape');
    return text.split('\n').slice(0, 2).join(' ');
  });

  await check('status-bar-default-profile', async () => {
    const item = page.locator('.statusbar-item', { hasText: `project:${defaultName}` });
    const text = await waitText(item, new RegExp(`project:${defaultName}`), 20_000, 'status bar');
    return text;
  });

  await check('inlay-hints', async () => {
    // coder.nix's `scope.allow = [ { target = workspace; ... } ];` is computed: the
    // line ends with the list it resolved to (insomnia.inlayHints.enable, default on).
    await openFile('.insomnia/profiles/coder.nix');
    const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines');
    const text = await waitText(lines, /= \[\{"permission":"write","recursive":true/, 30_000, 'inlay hint');
    const hit = text.split('\n').find((l) => l.includes('= [{"permission"'));
    await screenshot('inlay-hints');
    return hit?.trim();
  });

  await check('show-resolved-manifest', async () => {
    await runCommand('Insomnia: Show Resolved Manifest');
    await page.locator('.tab', { hasText: 'coder.nix (resolved)' }).first().waitFor({ timeout: 15_000 });
    const lines = page.locator('.editor-group-container .monaco-editor .view-lines');
    const first = (await waitText(lines, /"name":\s*"coder"/, 15_000, 'manifest document')).split('\n')[0];
    await runCommand('View: Close Editor');
    return first;
  });

  await check('spawn-pod-terminal', async () => {
    await openFile('.insomnia/profiles/coder.nix');
    // Through the server's code lens, which calls our insomnia.client.spawnPod.
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Spawn pod' }).first().click();
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(POD);
    await page.keyboard.press('Enter');
    const tab = page.locator('.terminal-tabs-entry, .single-terminal-tab, .panel .composite-title', { hasText: `insomnia: ${POD}` });
    await tab.first().waitFor({ timeout: 60_000 });
    const rows = page.locator('.xterm-rows');
    const out = await waitText(rows, new RegExp(`attached to pod ${POD}`), 30_000, 'terminal');
    const sock = path.join(HOME, 'run', POD, 'sock');
    if (!fs.existsSync(sock)) throw new Error(`the double has no socket at ${sock}`);
    return out.split('\n').find((l) => l.includes('attached')).trim();
  });

  await check('attach-running-pod-quick-pick', async () => {
    // One verb per state, as in the lens: a pod that runs is attached to.
    const { row, text } = await podRow(POD, /— Attach/);
    // The row reads "e2e-coder  idle — Attach · project:coder" over "matches its profile".
    if (!new RegExp(`${POD}\\s*(running|idle|paused) — Attach · project:coder\\s*matches its profile`).test(text)) {
      throw new Error(`pod row: ${text}`);
    }
    await screenshot('attach-pick');
    const before = await terminalCount(POD);
    await row.click();
    await waitTerminals(POD, before + 1);
    const msg = await waitText(page.locator('.statusbar-item'), /is already (running|idle|paused)|is ready/, 10_000, 'status bar message');
    return `${text} / status bar: ${msg}`;
  });

  await check('resume-stopped-pod', async () => {
    // Stop the pod (the double removes its runtime state on SIGTERM): its row and
    // the lens now say Resume, and resuming starts it again.
    const pidFile = path.join(HOME, 'run', POD, 'pid');
    process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    const end = Date.now() + 15_000;
    while (fs.existsSync(pidFile)) {
      if (Date.now() > end) throw new Error('the pod did not stop');
      await page.waitForTimeout(250);
    }
    const { row, text } = await podRow(POD, /stopped — Resume/);
    await screenshot('resume-pick');
    const before = await terminalCount(POD);
    await row.click();
    await waitTerminals(POD, before + 1);
    await waitText(page.locator('.xterm-rows'), new RegExp(`attached to pod ${POD}`), 30_000, 'terminal');
    return text;
  });

  await check('pick-default-profile', async () => {
    await page.locator('.statusbar-item', { hasText: `project:${defaultName}` }).first().click();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'project:reviewer' }).first();
    await row.waitFor({ timeout: 10_000 });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    if (!rows.some((r) => r.includes(`project:${defaultName}`) && r.includes('(default)'))) {
      throw new Error(`no default marker in the quick pick: ${JSON.stringify(rows)}`);
    }
    await row.click();
    const end = Date.now() + 15_000;
    while (!/^default\s*=\s*"reviewer"/m.test(fs.readFileSync(tomlPath, 'utf8'))) {
      if (Date.now() > end) throw new Error('profiles.toml still names the old default');
      await page.waitForTimeout(250);
    }
    await waitText(page.locator('.statusbar-item'), /project:reviewer/, 15_000, 'status bar after the change');
    if (await tomlTabDirty()) throw new Error('profiles.toml is left with unsaved changes');
    return 'profiles.toml now says default = "reviewer" on disk, no unsaved tab';
  });

  await check('set-default-lens-saves-profiles-toml', async () => {
    // The lens runs the server's command directly: the edit arrives as
    // workspace/applyEdit, and with autosave off only the extension saves it.
    await openFile('.insomnia/profiles/coder.nix');
    const title = await clickLens('Set as default');
    await waitDisk((t) => /^default\s*=\s*"coder"/m.test(t), 15_000, 'profiles.toml still names the old default');
    await waitText(page.locator('.statusbar-item'), /project:coder/, 15_000, 'status bar after the lens');
    const lens = await waitText(page.locator('.monaco-editor .codelens-decoration'), /profile: project:coder \(default\)/, 15_000, 'lens');
    if (await tomlTabDirty()) throw new Error('profiles.toml is left with unsaved changes');
    return `lens "${title}" -> on disk default = "${tomlDefault()}", lens "${lens.split('|')[0].trim()}"`;
  });

  await check('new-profile-command', async () => {
    // The workspace is the repository root: the new profile joins the project
    // of the file being edited (examples/).
    await openFile('.insomnia/profiles/coder.nix');
    await runCommand('Insomnia: New Profile…');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('qa');
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'qa.nix' }).first().waitFor({ timeout: 15_000 });
    const file = path.join(WS, '.insomnia/profiles/qa.nix');
    if (!/pod\.name = "qa";/.test(fs.readFileSync(file, 'utf8'))) throw new Error('qa.nix lacks pod.name = "qa"');
    // A second time it refuses to overwrite.
    fs.appendFileSync(file, '# mine\n');
    await runCommand('Insomnia: New Profile…');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('qa');
    await page.keyboard.press('Enter');
    const t = await toast(/already exists/, 10_000);
    const msg = await toastText(t);
    if (!fs.readFileSync(file, 'utf8').endsWith('# mine\n')) throw new Error('qa.nix was overwritten');
    return `wrote .insomnia/profiles/qa.nix; again: "${msg}"`;
  });

  await check('add-to-project-profiles-saves', async () => {
    await openFile('.insomnia/profiles/qa.nix');
    const title = await clickLens('Add to project profiles');
    await waitDisk((t) => /^qa = "profiles\/qa\.nix"$/m.test(t), 15_000, 'qa is not in profiles.toml on disk');
    const lens = await waitText(page.locator('.monaco-editor .codelens-decoration'), /profile: project:qa/, 20_000, 'lens after adding');
    if (await tomlTabDirty()) throw new Error('profiles.toml is left with unsaved changes');
    return `lens "${title}" -> profiles.toml on disk lists qa = "profiles/qa.nix"; lens "${lens.split('|')[0].trim()}"`;
  });

  await check('unsaved-profiles-toml-is-reported', async () => {
    // The user's own unsaved change in profiles.toml: the extension does not
    // save it behind their back, it says so, and "Save" writes both.
    await openFile('.insomnia/profiles.toml');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# my note\n');
    if (!(await tomlTabDirty())) throw new Error('typing did not make profiles.toml dirty');
    await openFile('.insomnia/profiles/reviewer.nix');
    await clickLens('Set as default');
    const t = await toast(/profiles\.toml has unsaved changes: save it to make the change take effect/, 15_000);
    const msg = await toastText(t);
    await screenshot('unsaved-toml-message');
    if (tomlDefault() !== 'coder') throw new Error(`disk changed before saving: ${tomlDefault()}`);
    await t.getByRole('button', { name: 'Save' }).click();
    await waitDisk((x) => /^default\s*=\s*"reviewer"/m.test(x) && x.includes('# my note'), 15_000, 'Save did not write the file');
    return `"${msg}"; after Save: default = "${tomlDefault()}" and the note on disk`;
  });

  await check('output-channel-plain-lines', async () => {
    await runCommand('Insomnia: Show Server Log');
    // The channel's file holds every line (the panel shows only the last ones).
    await waitLog(/^\d\d:\d\d:\d\d\.\d{3} INFO /m, 15_000);
    let text = '';
    for (const f of findFiles(path.join(UD, 'logs'), /Insomnia\.log$/)) text += fs.readFileSync(f, 'utf8');
    for (const bad of [/not implemented/, /exited with code 0/, /"level":"info"/]) {
      if (bad.test(text)) throw new Error(`the output has ${bad}: ${text.split('\n').find((l) => bad.test(l))}`);
    }
    const first = text.split('\n').find((l) => /^\d\d:\d\d:\d\d\.\d{3} INFO /.test(l));
    await screenshot('output-channel');
    await page.keyboard.press('Control+J'); // the panel
    return `e.g. "${first}"; no "not implemented", no "exited with code 0", no JSON lines`;
  });

  await check('manifest-refreshes-after-edit', async () => {
    // Edit the profile (unsaved) next to its manifest: the server evaluates the
    // buffer, and the read-only document follows.
    const src = fs.readFileSync(path.join(WS, '.insomnia/profiles/coder.nix'), 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('pod.name = "coder"')) + 1;
    const col = src[line - 1].indexOf('"coder"') + 2;
    await openFile('.insomnia/profiles/coder.nix');
    await runCommand('Insomnia: Show Resolved Manifest');
    await page.locator('.tab', { hasText: 'coder.nix (resolved)' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Control+1');
    await goTo(line, col);
    await page.keyboard.type('new-');
    const manifest = page.locator('.editor-group-container').nth(1).locator('.monaco-editor .view-lines');
    const text = await waitText(manifest, /"name":\s*"new-coder"/, 30_000, 'manifest after the edit');
    await screenshot('manifest-refreshed');
    return (text.match(/"name":\s*"new-coder"/) || [''])[0];
  });

  await check('crash-reported-with-log-button', async () => {
    // Point the extension at a server that is killed 3 s after each start,
    // through the Settings editor as a user would; the extension restarts the
    // server on that change and reports each crash.
    await runCommand('Preferences: Open User Settings');
    const search = page.locator('.settings-editor .suggest-input-container textarea, .settings-editor .search-container textarea').first();
    await search.waitFor({ timeout: 15_000 });
    // A machine setting: in code-server it lives in the Remote (machine) tab.
    await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
    await search.fill('insomnia.server.path');
    const input = page.locator('.settings-editor .setting-item-contents', { hasText: 'Path of the' }).locator('input').first();
    await input.waitFor({ timeout: 15_000 });
    await input.fill(CRASH_SERVER);
    await input.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: 'the language server crashed' }).first();
    await toast.waitFor({ timeout: 30_000 });
    await screenshot('crash-notification');
    await toast.getByRole('button', { name: 'Show Log' }).click();
    const out = page.locator('.panel .output-view, .panel [id="workbench.panel.output"]');
    await waitText(out, /the server stopped unexpectedly/, 15_000, 'Insomnia output');
    return (await toast.innerText().catch(() => 'notification closed')).split('\n')[0];
  });
}

main()
  .catch((err) => {
    failed++;
    log(`FAIL setup: ${err.stack || err}`);
  })
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
