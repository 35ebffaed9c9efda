// Shapes of the server's command results and notifications (docs/server-contract.md).
// Every field is optional on reading: a newer or older server may omit some, and the
// UI must degrade rather than throw.

export type EvalState = 'ok' | 'error' | 'evaluating' | 'unknown' | 'nix-missing';

export interface ProfileInfo {
  qualifiedName: string;
  source?: string;
  name?: string;
  path?: string;
  description?: string;
  isDefault?: boolean;
  status?: EvalState | string;
}

export interface ProfileStatus {
  uri?: string;
  qualifiedName?: string;
  isDefault?: boolean;
  state?: EvalState | string;
  message?: string;
}

export interface Drift {
  path: string;
  saved?: unknown;
  current?: unknown;
}

export interface PodInfo {
  name: string;
  state?: string;
  profile?: string;
  snapshotHash?: string;
  drift?: Drift[];
}

export interface PodResult {
  podName: string;
  socket?: string;
  attach?: string[];
  message?: string;
  warnings?: string[];
  drift?: Drift[];
}

export interface ManifestResult {
  qualifiedName?: string;
  hash?: string;
  json?: unknown;
  status?: string;
  message?: string;
}

export interface SetDefaultResult {
  ok?: boolean;
  file?: string;
  message?: string;
}

export const Commands = {
  listProfiles: 'insomnia.listProfiles',
  setDefaultProfile: 'insomnia.setDefaultProfile',
  showResolvedManifest: 'insomnia.showResolvedManifest',
  spawnPod: 'insomnia.spawnPod',
  resumePod: 'insomnia.resumePod',
  listPods: 'insomnia.listPods',
  profileStatus: 'insomnia.profileStatus',
} as const;

export const EvaluationStatusNotification = 'insomnia/evaluationStatus';
