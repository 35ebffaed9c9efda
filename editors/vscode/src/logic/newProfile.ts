// The "New Profile" template: a profile that evaluates as it is (no library
// import, whose path differs per project) and passes `insomnia-lsp check`, in
// the shape mkProfile builds ({profile, manifest}). Kept equal to the Neovim
// plugin's lua/insomnia/new.lua.

const profileName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

// validateProfileName returns an error text, or undefined when usable; the name
// is also the file name and the pod name, so it takes the pod name characters.
export function validateProfileName(name: string): string | undefined {
  if (!profileName.test(name)) return 'Use letters, digits, dots, dashes and underscores, starting with a letter or digit.';
  if (name.endsWith('.nix')) return 'Give the name without .nix.';
  return undefined;
}

// profileFile is where a new profile goes: beside the project's other profiles.
export function profileFile(folder: string, name: string): string {
  return `${folder.replace(/[\\/]+$/, '')}/.insomnia/profiles/${name}.nix`;
}

export function profileTemplate(name: string): string {
  return `# ${name}: what this pod is for, in one line.
{
  profile = {
    format = "insomnia.nix-profile.v1";
    name = "${name}";
    description = "What this pod is for";
  };
  manifest = {
    pod.name = "${name}";
    model.ref = "anthropic/claude-sonnet-4-20250514";
    worker.reasoning = "medium";
    # Paths are relative to this file's folder: "../.." is the project.
    scope.allow = [
      { target = "../.."; permission = "read"; recursive = true; }
    ];
    permissions.default_action = "ask";
  };
}
`;
}

// projectFor is the project a new profile joins: the nearest folder at or
// above the active file (inside the workspace folder) holding
// .insomnia/profiles.toml, else the workspace folder itself (a repository
// opened at its root keeps its profiles beside the file being edited).
export function projectFor(active: string | undefined, folder: string, exists: (p: string) => boolean): string {
  const root = folder.replace(/[\\/]+$/, '');
  if (!active || !active.startsWith(root + '/')) return root;
  let dir = active.replace(/\/[^/]*$/, '');
  while (dir.length >= root.length) {
    if (exists(`${dir}/.insomnia/profiles.toml`)) return dir;
    if (dir === root) break;
    dir = dir.replace(/\/[^/]*$/, '');
  }
  return root;
}
