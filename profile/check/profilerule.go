package check

import (
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// The profile rule (docs/profiles-rule.md): which .nix files are profiles
// when no registry lists them. The server and `insomnia-lsp check` both ask
// it (through session.IsProfile), so the editor and CI agree on which files
// are evaluated. It reads the syntax tree, never byte markers: a NixOS
// module that mentions `manifest.` in a comment is not a profile.

// profileFuncs are the profile library's constructors (contract §1.4).
var profileFuncs = map[string]bool{"mkProfile": true, "mkManifest": true}

// artifactKeys are the top-level keys of an artifact (contract §1.2):
// `manifest` or `config` (mkProfile's output), `pod` (the raw form).
var artifactKeys = map[string]bool{"manifest": true, "config": true, "pod": true}

// moduleKeys mark a NixOS/home-manager module written as a plain set
// (`{ imports = …; config = …; }`): it has `config` but is not ours.
var moduleKeys = map[string]bool{"imports": true, "options": true}

// maxRuleDepth bounds the walk through nested let/with/parentheses.
const maxRuleDepth = 64

// IsProfileTree says whether a parsed file's top-level value is recognised
// as a profile artifact: after any `let … in`, `with …;`, `assert …;` and
// parentheses, it is
//   - a call of mkProfile or mkManifest (`mkProfile {…}`, `lib.mkProfile {…}`,
//     `(import ./profile-lib.nix { }).mkProfile {…}`), or
//   - a call whose last argument is such a set (`common.mkRole { manifest = …; }`), or
//   - an attribute set with a `manifest`, `config` or `pod` attribute (dotted
//     keys count: `manifest.pod.name = …`) and no `imports` or `options`, or
//   - `a // b` where either side is one of these.
//
// A top-level function is never a profile: the runtime does not call it
// (contract §1.1), and NixOS and home-manager modules are functions.
func IsProfileTree(f *nixsyntax.File) bool {
	if f == nil || f.Root == nixsyntax.NoNode || len(f.Nodes) == 0 {
		return false
	}
	return isArtifactExpr(f, f.Root, 0)
}

func isArtifactExpr(f *nixsyntax.File, id nixsyntax.NodeID, depth int) bool {
	if depth > maxRuleDepth {
		return false
	}
	n := f.Node(id)
	kids := f.Kids(id)
	switch n.Kind {
	case nixsyntax.NParen, nixsyntax.NWith, nixsyntax.NAssert, nixsyntax.NLet:
		// The value is the last child (the body); a let's bindings come first.
		return len(kids) > 0 && isArtifactExpr(f, kids[len(kids)-1], depth+1)
	case nixsyntax.NBinary:
		return n.Op == nixsyntax.TUpdate && len(kids) == 2 &&
			(isArtifactExpr(f, kids[0], depth+1) || isArtifactExpr(f, kids[1], depth+1))
	case nixsyntax.NApply:
		return isProfileCall(f, id, depth)
	case nixsyntax.NAttrSet:
		return isArtifactSet(f, id)
	}
	return false
}

// isProfileCall: the called function is named mkProfile/mkManifest, or the
// last argument is an artifact set.
func isProfileCall(f *nixsyntax.File, id nixsyntax.NodeID, depth int) bool {
	kids := f.Kids(id)
	if len(kids) != 2 {
		return false
	}
	if arg := unparen(f, kids[1]); f.Node(arg).Kind == nixsyntax.NAttrSet && isArtifactSet(f, arg) {
		return true
	}
	fn := unparen(f, kids[0])
	for f.Node(fn).Kind == nixsyntax.NApply { // curried: mkProfile a b
		fn = unparen(f, f.Kids(fn)[0])
	}
	return profileFuncs[calleeName(f, fn)]
}

// calleeName is the last name of `x`, `a.b.x` or `(e).x`; "" otherwise.
func calleeName(f *nixsyntax.File, id nixsyntax.NodeID) string {
	switch f.Node(id).Kind {
	case nixsyntax.NIdent:
		return f.Text(id)
	case nixsyntax.NSelect:
		kids := f.Kids(id)
		if len(kids) < 2 {
			return ""
		}
		keys := f.Kids(kids[1])
		if len(keys) == 0 {
			return ""
		}
		name, _ := f.AttrName(keys[len(keys)-1])
		return name
	}
	return ""
}

// isArtifactSet: a set with an artifact key and no module key.
func isArtifactSet(f *nixsyntax.File, set nixsyntax.NodeID) bool {
	found := false
	for _, b := range f.Kids(set) {
		for _, name := range firstKeys(f, b) {
			if moduleKeys[name] {
				return false
			}
			found = found || artifactKeys[name]
		}
	}
	return found
}

// firstKeys are the names a binding defines at the set's level: the first
// key of `a.b = …`, or each name of an `inherit`.
func firstKeys(f *nixsyntax.File, b nixsyntax.NodeID) []string {
	kids := f.Kids(b)
	switch f.Node(b).Kind {
	case nixsyntax.NBinding:
		if len(kids) == 0 {
			return nil
		}
		keys := f.Kids(kids[0])
		if len(keys) == 0 {
			return nil
		}
		if name, ok := f.AttrName(keys[0]); ok {
			return []string{name}
		}
	case nixsyntax.NInherit:
		var out []string
		for _, k := range kids {
			if name, ok := f.AttrName(k); ok {
				out = append(out, name)
			}
		}
		return out
	}
	return nil
}

func unparen(f *nixsyntax.File, id nixsyntax.NodeID) nixsyntax.NodeID {
	for f.Node(id).Kind == nixsyntax.NParen && len(f.Kids(id)) == 1 {
		id = f.Kids(id)[0]
	}
	return id
}
