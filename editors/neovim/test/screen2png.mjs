// Renders the Neovim screens scripts/e2e-neovim.sh captured from tmux
// (`tmux capture-pane -e -p`: the text with its SGR colour codes) to HTML, and the
// HTML to PNG with the headless Chromium the VS Code e2e installs (playwright-core
// from editors/vscode/node_modules). Usage: node screen2png.mjs DIR (every DIR/*.ansi
// becomes DIR/*.html and DIR/*.png). Prints one line per file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
const here = path.dirname(fileURLToPath(import.meta.url));

// xterm's 16 colours, then the 6x6x6 cube and the grey ramp of the 256.
const base16 = [
  '#000000', '#cd0000', '#00cd00', '#cdcd00', '#0000ee', '#cd00cd', '#00cdcd', '#e5e5e5',
  '#7f7f7f', '#ff0000', '#00ff00', '#ffff00', '#5c5cff', '#ff00ff', '#00ffff', '#ffffff',
];
function color256(n) {
  if (n < 16) return base16[n];
  if (n < 232) {
    const v = [0, 95, 135, 175, 215, 255];
    const i = n - 16;
    return `rgb(${v[Math.floor(i / 36)]},${v[Math.floor(i / 6) % 6]},${v[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

const FG = '#d0d0d0';
const BG = '#1c1c1c';

function esc(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// toHTML turns the captured lines into spans, one per run of the same attributes.
function toHTML(text, title) {
  let st = { fg: null, bg: null, bold: false, italic: false, underline: false, reverse: false };
  const reset = () => ({ fg: null, bg: null, bold: false, italic: false, underline: false, reverse: false });
  const out = [];
  const span = (s) => {
    if (s === '') return;
    let fg = st.fg ?? FG;
    let bg = st.bg ?? BG;
    if (st.reverse) [fg, bg] = [bg, fg];
    const css = [`color:${fg}`, `background:${bg}`];
    if (st.bold) css.push('font-weight:bold');
    if (st.italic) css.push('font-style:italic');
    if (st.underline) css.push('text-decoration:underline');
    out.push(`<span style="${css.join(';')}">${esc(s)}</span>`);
  };
  const re = /\x1b\[([0-9;]*)m/g;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    let last = 0;
    let m;
    re.lastIndex = 0;
    while ((m = re.exec(line))) {
      span(line.slice(last, m.index));
      last = re.lastIndex;
      const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i];
        if (c === 0) st = reset();
        else if (c === 1) st.bold = true;
        else if (c === 3) st.italic = true;
        else if (c === 4) st.underline = true;
        else if (c === 7) st.reverse = true;
        else if (c === 22) st.bold = false;
        else if (c === 23) st.italic = false;
        else if (c === 24) st.underline = false;
        else if (c === 27) st.reverse = false;
        else if (c >= 30 && c <= 37) st.fg = base16[c - 30];
        else if (c >= 90 && c <= 97) st.fg = base16[c - 90 + 8];
        else if (c >= 40 && c <= 47) st.bg = base16[c - 40];
        else if (c >= 100 && c <= 107) st.bg = base16[c - 100 + 8];
        else if (c === 39) st.fg = null;
        else if (c === 49) st.bg = null;
        else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
          st[c === 38 ? 'fg' : 'bg'] = color256(codes[i + 2]);
          i += 2;
        } else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
          st[c === 38 ? 'fg' : 'bg'] = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`;
          i += 4;
        }
      }
    }
    span(line.slice(last));
    out.push('\n');
  }
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{margin:0;background:${BG}}pre{margin:0;padding:8px;font:14px/1.25 'DejaVu Sans Mono',monospace;color:${FG};display:inline-block}</style>
<pre>${out.join('')}</pre>`;
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ansi')).sort();
for (const f of files) {
  const html = path.join(dir, f.replace(/\.ansi$/, '.html'));
  fs.writeFileSync(html, toHTML(fs.readFileSync(path.join(dir, f), 'utf8'), f));
}
let chromium;
try {
  const require = createRequire(path.join(here, '../../vscode/package.json'));
  ({ chromium } = require('playwright-core'));
} catch (err) {
  console.log(`screen2png: no playwright-core (${err.message.split('\n')[0]}): HTML only`);
  process.exit(0);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  for (const f of files) {
    const html = path.join(dir, f.replace(/\.ansi$/, '.html'));
    await page.goto('file://' + html);
    const png = html.replace(/\.html$/, '.png');
    await page.locator('pre').screenshot({ path: png });
    console.log(`screen2png: ${path.basename(png)}`);
  }
} finally {
  await browser.close();
}
