// What happens to the files a server edit (workspace/applyEdit) touched. LSP has
// no "save" request, and VS Code leaves an edited file as an unsaved tab, so
// "Set as default" would change only the editor's copy while profiles.toml on
// disk (which the insomnia tools read) keeps the old default.

export interface EditedFile {
  uri: string;
  path: string; // file system path, '' for non-file URIs
  dirtyBefore: boolean; // had the user's own unsaved changes before the edit
}

export interface PersistPlan {
  save: string[]; // uris to save now: only the server's change is unsaved in them
  unsaved: string[]; // uris left unsaved: saving would also write the user's edits
}

// isRegistryFile: the server only ever edits profiles.toml; other files are the
// user's to save (a quick fix in a .nix file stays an ordinary unsaved edit).
export function isRegistryFile(path: string): boolean {
  return /(^|[\\/])profiles\.toml$/.test(path);
}

export function persistPlan(files: EditedFile[]): PersistPlan {
  const plan: PersistPlan = { save: [], unsaved: [] };
  for (const f of files) {
    if (!isRegistryFile(f.path)) continue;
    (f.dirtyBefore ? plan.unsaved : plan.save).push(f.uri);
  }
  return plan;
}

export function unsavedMessage(name: string): string {
  return `${name} has unsaved changes: save it to make the change take effect`;
}
