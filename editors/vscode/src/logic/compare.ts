// The texts of a compare (diff) view: two profiles' resolved manifests, or a pod's
// saved snapshot against its profile today (docs/server-contract.md, insomnia.podSnapshot).
import { renderManifest } from './manifest';
import type { ManifestResult } from './types';

export const compareScheme = 'insomnia-compare';
export const podSnapshotCommand = 'insomnia.podSnapshot';

export interface PodSnapshotResult {
  podName?: string;
  profile?: string;
  saved?: string;
  current?: string;
  message?: string;
}

export interface DiffSide {
  name: string; // the document's file name (…json: highlighted as JSON)
  text: string;
}

// podSides: left the snapshot the pod runs with, right its profile today. An empty
// side says why in a comment, so the diff still opens and explains itself.
export function podSides(res: PodSnapshotResult, pod: string): [DiffSide, DiffSide] {
  const why = `// ${res.message || 'nothing to show'}\n`;
  const profile = res.profile || 'its profile';
  return [
    { name: `${pod} (saved snapshot).jsonc`, text: res.saved ? `${res.saved}\n` : why },
    { name: `${profile} (today).jsonc`, text: res.current ? `${res.current}\n` : why },
  ];
}

// profileSide is one profile's resolved manifest as the manifest view shows it.
export function profileSide(qualifiedName: string, res: ManifestResult | undefined): DiffSide {
  return { name: `${qualifiedName.replace(/[/\\]/g, '_')} (resolved).jsonc`, text: renderManifest(res) };
}
