import * as path from 'path';

// Where the insomnia-lsp binary comes from, in order: the user's setting, the
// binary packaged in the extension for this platform, then PATH.
export interface ServerChoiceInput {
  setting: string;
  extensionPath: string;
  platform: string; // process.platform
  arch: string; // process.arch
  workspaceFolder?: string;
  home?: string;
  exists: (file: string) => boolean;
}

export interface ServerChoice {
  command: string;
  source: 'setting' | 'bundled' | 'path';
}

export function binaryName(platform: string): string {
  return platform === 'win32' ? 'insomnia-lsp.exe' : 'insomnia-lsp';
}

export function bundledServerPath(extensionPath: string, platform: string, arch: string): string {
  return path.join(extensionPath, 'bin', `${platform}-${arch}`, binaryName(platform));
}

// expandSetting resolves `~` and `${workspaceFolder}` the way users write them in
// settings.json; a relative path is taken from the workspace folder.
export function expandSetting(setting: string, workspaceFolder?: string, home?: string): string {
  let p = setting.trim();
  if (home && (p === '~' || p.startsWith('~/'))) p = home + p.slice(1);
  if (workspaceFolder) p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  if (workspaceFolder && p.includes('/') && !path.isAbsolute(p)) p = path.join(workspaceFolder, p);
  return p;
}

export function chooseServer(input: ServerChoiceInput): ServerChoice {
  if (input.setting.trim() !== '') {
    return { command: expandSetting(input.setting, input.workspaceFolder, input.home), source: 'setting' };
  }
  const bundled = bundledServerPath(input.extensionPath, input.platform, input.arch);
  if (input.exists(bundled)) return { command: bundled, source: 'bundled' };
  return { command: binaryName(input.platform), source: 'path' };
}
