import type { ManifestResult } from './types';

// Resolved-manifest documents live under their own scheme; the query holds the
// profile's file URI so one document exists per profile.
export const manifestScheme = 'insomnia-manifest';

export function manifestPath(fileUri: string): string {
  const base = decodeURIComponent(fileUri.replace(/[?#].*$/, '').split('/').pop() || 'profile');
  return `/${base} (resolved).jsonc`;
}

// renderManifest is the text of the read-only document: the manifest as pretty
// JSON, preceded by comments that say which profile and evaluation it comes from.
export function renderManifest(res: ManifestResult | undefined): string {
  if (!res) return '// The server returned nothing for this profile.\n';
  const head: string[] = [];
  if (res.qualifiedName) head.push(`// profile: ${res.qualifiedName}`);
  if (res.hash) head.push(`// hash: ${res.hash}`);
  if (res.status && res.status !== 'ok') head.push(`// status: ${res.status}`);
  // An ok evaluation's message says only that; an error's says what went wrong.
  if (res.message && res.status !== 'ok') head.push(...res.message.split('\n').map((l) => `// ${l}`));
  const body = jsonText(res.json);
  return [...head, body ?? '// No resolved manifest yet.'].join('\n') + '\n';
}

function jsonText(json: unknown): string | undefined {
  if (json === undefined || json === null) return undefined;
  if (typeof json === 'string') {
    try {
      return JSON.stringify(JSON.parse(json), null, 2);
    } catch {
      return json;
    }
  }
  return JSON.stringify(json, null, 2);
}
