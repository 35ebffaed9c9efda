package nixsyntax

import (
	"reflect"
	"testing"
)

func TestEnvReads(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{`{ a = builtins.getEnv "USER"; }`, []string{"USER"}},
		{`{ a = (builtins.getEnv) ("TOKEN"); b = builtins.getEnv "X" + "y"; }`, []string{"TOKEN", "X"}},
		{`{ a = builtins.getEnv name; }`, nil},            // not a literal: not found statically
		{`{ a = getEnv "USER"; b = x.getEnv "Y"; }`, nil}, // not builtins.getEnv
		{`{ a = builtins.getEnv "A${b}"; }`, nil},
	}
	for _, c := range cases {
		f := Parse([]byte(c.src))
		var got []string
		for _, r := range EnvReads(f) {
			got = append(got, r.Name)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.src, got, c.want)
		}
	}
}

func TestBindingAt(t *testing.T) {
	src := `{ outer = { inner = builtins.getEnv "X"; }; }`
	f := Parse([]byte(src))
	start, end, ok := BindingAt(f, 14)
	if !ok || src[start:end] != `inner = builtins.getEnv "X";` && src[start:end] != `inner = builtins.getEnv "X"` {
		t.Errorf("BindingAt = %q %v", src[start:end], ok)
	}
	if _, _, ok := BindingAt(f, 0); ok {
		t.Errorf("offset 0 is in no binding")
	}
}
