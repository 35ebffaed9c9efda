import type { PodInfo, ProfileInfo, ProfileStatus, Drift } from './types';

// Texts shown by the language status item, the status bar item and the quick
// picks. Kept free of the vscode module so they are unit-tested with node alone.

export function profileLabel(qualifiedName: string | undefined, isDefault?: boolean): string {
  if (!qualifiedName) return 'profile: none';
  return `profile: ${qualifiedName}${isDefault ? ' (default)' : ''}`;
}

export interface LanguageStatusModel {
  text: string;
  detail: string;
  busy: boolean;
  severity: 'info' | 'warning' | 'error';
}

export function languageStatus(st: ProfileStatus | undefined): LanguageStatusModel {
  if (!st) return { text: 'profile: …', detail: 'waiting for the language server', busy: false, severity: 'info' };
  const state = st.state ?? 'unknown';
  const busy = state === 'evaluating';
  // Nix missing is the machine's problem, not the profile's: a warning.
  const severity = state === 'error' ? 'error' : state === nixMissing ? 'warning' : 'info';
  const detail = st.message ? st.message : stateText(state);
  return { text: profileLabel(st.qualifiedName, st.isDefault), detail, busy, severity };
}

// nixMissing is the server's state word when Nix cannot be run.
export const nixMissing = 'nix-missing';

export function stateText(state: string | undefined): string {
  switch (state) {
    case 'ok':
      return 'evaluated';
    case nixMissing:
      return 'Nix not found';
    case 'error':
      return 'evaluation failed';
    case 'evaluating':
      return 'evaluating…';
    default:
      return 'not evaluated yet';
  }
}

export function stateIcon(state: string | undefined): string {
  switch (state) {
    case 'ok':
      return '$(pass)';
    case 'error':
      return '$(error)';
    case nixMissing:
      return '$(warning)';
    case 'evaluating':
      return '$(sync~spin)';
    default:
      return '$(circle-outline)';
  }
}

// statusBarText is the project's default profile in the status bar, or,
// while Nix cannot be run, that warning (warning: show the warning background).
export function statusBarText(profiles: ProfileInfo[] | undefined): { text: string; tooltip: string; warning?: boolean } {
  if (profiles?.some((p) => p.status === nixMissing)) {
    return {
      text: '$(warning) Insomnia: Nix not found',
      tooltip: 'Nix not found: profiles are not evaluated, static checks go on. Install Nix or set insomnia.nixPath.',
      warning: true,
    };
  }
  const def = profiles?.find((p) => p.isDefault);
  if (!def) return { text: '$(server-environment) insomnia: no default', tooltip: 'Choose the default insomnia profile' };
  return {
    text: `$(server-environment) ${def.qualifiedName}`,
    tooltip: `Default insomnia profile: ${def.qualifiedName} (${stateText(def.status)}). Click to choose another.`,
  };
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
  value: T;
}

export function profilePickItems(profiles: ProfileInfo[]): PickItem<ProfileInfo>[] {
  const sorted = [...profiles].sort(
    (a, b) => Number(!!b.isDefault) - Number(!!a.isDefault) || a.qualifiedName.localeCompare(b.qualifiedName),
  );
  return sorted.map((p) => ({
    label: `${stateIcon(p.status)} ${p.qualifiedName}`,
    description: [p.isDefault ? '(default)' : '', p.description ?? ''].filter((s) => s !== '').join(' '),
    detail: `${stateText(p.status)}${p.path ? ` · ${p.path}` : ''}`,
    picked: !!p.isDefault,
    value: p,
  }));
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '(unset)';
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

export function driftSummary(drift: Drift[] | undefined): string {
  if (!drift || drift.length === 0) return 'matches its profile';
  const first = drift
    .slice(0, 2)
    .map((d) => `${d.path}: ${formatValue(d.saved)} → ${formatValue(d.current)}`)
    .join('; ');
  const more = drift.length > 2 ? ` (+${drift.length - 2} more)` : '';
  return `drift: ${first}${more}`;
}

// podAction is the one verb for an existing pod, as in the server's pods lens:
// a live pod (running, idle, paused) is attached to, a stopped one resumed;
// undefined for a pod that can be neither (corrupt).
export type PodAction = 'Attach' | 'Resume';
const livePodStates = new Set(['running', 'idle', 'paused']);

export function podAction(state: string | undefined): PodAction | undefined {
  if (state === 'stopped') return 'Resume';
  return state && livePodStates.has(state) ? 'Attach' : undefined;
}

// podProgressTitle: "Attaching to pod c1…" / "Resuming pod c2…".
export function podProgressTitle(name: string, state: string | undefined): string {
  return podAction(state) === 'Attach' ? `Attaching to pod ${name}…` : `Resuming pod ${name}…`;
}

export function podPickItems(pods: PodInfo[]): PickItem<PodInfo>[] {
  return pods.map((p) => {
    const action = podAction(p.state);
    const state = p.state ? `${p.state}${action ? ` — ${action}` : ''}` : undefined;
    return {
      label: `${p.drift && p.drift.length > 0 ? '$(warning)' : '$(vm)'} ${p.name}`,
      description: [state, p.profile].filter((s) => !!s).join(' · '),
      detail: driftSummary(p.drift),
      value: p,
    };
  });
}
