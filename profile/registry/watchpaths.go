package registry

import "path/filepath"

// WatchPaths lists what can change this registry, for profile/watch: the
// user registry, the builtin dir, every entry's file, the secret store, and
// each place a nearer project registry could appear (<dir>/.insomnia/
// profiles.toml from Start up to the current project registry, or to / when
// there is none). Profiles' imports are the evaluator's to add.
func (r *Registry) WatchPaths() []string {
	var out []string
	add := func(p string) {
		if p != "" {
			out = append(out, p)
		}
	}
	add(r.UserFile)
	add(r.BuiltinDir)
	add(r.Dirs.SecretStore())
	for _, e := range r.Entries {
		add(e.Path)
	}
	for dir := r.Start; dir != ""; {
		cand := filepath.Join(dir, ".insomnia", "profiles.toml")
		add(cand)
		if cand == r.ProjectFile {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return out
}
