package rustpath

import (
	"reflect"
	"testing"
)

// The expected values are what rustc 1.x prints for std::path::Path::parent,
// components and join on Linux (run once by hand; the program is in the
// comment of TestParent). Upstream's uses they mirror: resolve_path takes
// absolute_path.parent() as the base (crates/manifest/src/profile.rs:416 at
// 6ecb5c4f), registry entries are base.join(entry) with base =
// profiles.toml's parent (profile.rs:567, :574), relative manifest paths
// are base.join(p) (crates/manifest/src/config.rs:497).

// TestParent mirrors Path::parent. Generated with:
//
//	for p in ps { println!("{:?}", Path::new(p).parent()) }
func TestParent(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"/w/./x.nix", "/w", true}, // the documented ./coder.nix form
		{"/w/sub/", "/w", true},    // a directory selector
		{"/w/sub", "/w", true},
		{"/x.nix", "/", true},
		{"x.nix", "", true},
		{"/", "", false},
		{"", "", false},
		{".", "", true},
		{"./x", ".", true},
		{"/a//b", "/a", true},
		{"/a/b/..", "/a/b", true},
		{"//a", "/", true},
		{"/.", "", false},
		{"/w/./.", "/", true},
		{"/w/x.nix/.", "/w", true},
		{"a/b", "a", true},
		{"/a/./b/x.nix", "/a/./b", true}, // only the "." before the last component goes
		{"/w//", "/", true},
		{"./", "", true},
		{"..", "", true},
		{"/w/sub/./", "/w", true},
	}
	for _, c := range cases {
		got, ok := Parent(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Parent(%q) = %q, %v; Rust gives %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestComponents(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"/w/./x.nix", []string{"/", "w", "x.nix"}},
		{"/w/sub/", []string{"/", "w", "sub"}},
		{"x.nix", []string{"x.nix"}},
		{"/", []string{"/"}},
		{"", nil},
		{".", []string{"."}},
		{"./x", []string{".", "x"}},
		{"/a//b", []string{"/", "a", "b"}},
		{"/a/b/..", []string{"/", "a", "b", ".."}},
		{"//a", []string{"/", "a"}},
		{"/.", []string{"/"}},
		{"/w/./.", []string{"/", "w"}},
		{"/a/./b/x.nix", []string{"/", "a", "b", "x.nix"}},
		{"./", []string{"."}},
	}
	for _, c := range cases {
		if got := Components(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Components(%q) = %q; Rust gives %q", c.in, got, c.want)
		}
	}
}

func TestJoin(t *testing.T) {
	cases := []struct{ base, p, want string }{
		{"/w", ".", "/w/."},
		{"/w/", "k", "/w/k"},
		{"/w", "", "/w/"},
		{"", "k", "k"},
		{"/w", "/abs", "/abs"},
		{"/w/.", "k", "/w/./k"},
		{"/w", "./k", "/w/./k"},
		{"/w", "../k", "/w/../k"},
	}
	for _, c := range cases {
		if got := Join(c.base, c.p); got != c.want {
			t.Errorf("Join(%q, %q) = %q; Rust gives %q", c.base, c.p, got, c.want)
		}
	}
}

// TestBaseOfDotSlashProfile is point 1 of the issue end to end: the base of
// /w/./x.nix joined with the manifest's "." and "k".
func TestBaseOfDotSlashProfile(t *testing.T) {
	base, _ := Parent("/w/./x.nix")
	if got := Join(base, "."); got != "/w/." {
		t.Errorf("target: got %q, want /w/.", got)
	}
	if got := Join(base, "k"); got != "/w/k" {
		t.Errorf("file: got %q, want /w/k", got)
	}
}
