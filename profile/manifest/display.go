package manifest

import (
	"encoding/json"
	"fmt"
)

// Display is the manifest a person reads in a hover or preview: the profile's
// manifest as Nix produced it plus only the builtin defaults of contract §2.3
// (the two byte caps), redacted (secret references kept, plaintext masked).
// Unlike the snapshot it keeps paths as written and adds no try_from
// defaults, so it answers "what did my Nix say". It is cut to
// DisplayLimits; cut says why when it was ("" otherwise).
func Display(artifact json.RawMessage) (display []byte, cut string, err error) {
	a, problems := SplitArtifact(artifact)
	if a == nil {
		if len(problems) > 0 {
			return nil, "", fmt.Errorf("%s", problems[0].Message)
		}
		return nil, "", fmt.Errorf("invalid artifact")
	}
	m, ok := a.Manifest.(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("the manifest is not an attribute set")
	}
	worker := childObject(m, "worker")
	if worker != nil {
		setDefault(childObject(worker, "tool_output"), "default_max_bytes", DefaultToolOutputMaxBytes)
		setDefault(childObject(worker, "file_upload"), "max_bytes", DefaultFileUploadMaxBytes)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, "", err
	}
	return RedactedWithin(b, DisplayLimits())
}

// childObject returns m[key] as an object, creating it when absent; nil when
// it holds something else (the type error is reported elsewhere).
func childObject(m map[string]any, key string) map[string]any {
	if m == nil {
		return nil
	}
	v, ok := m[key]
	if !ok || v == nil {
		c := map[string]any{}
		m[key] = c
		return c
	}
	c, _ := v.(map[string]any)
	return c
}

func setDefault(m map[string]any, key string, v any) {
	if m == nil {
		return
	}
	if cur, ok := m[key]; !ok || cur == nil {
		m[key] = v
	}
}
