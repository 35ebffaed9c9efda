// Package limits holds the caps that keep a small or hostile input from
// costing huge memory or huge messages, where every front end (server,
// CLI) and reader can share them.
package limits

import "fmt"

const (
	// MaxProfileBytes is the largest profile (or other .nix or
	// profiles.toml buffer) that is parsed and evaluated. Profiles are a
	// few KiB; a file this big is a mistake or an attack, and parsing costs
	// a multiple of its size.
	MaxProfileBytes = 4 << 20
	// MaxDiagnosticsPerFile is how many problems one file publishes; past
	// it one "N more problems" entry stands for the rest (100,000 unused
	// bindings made one 17 MB notification).
	MaxDiagnosticsPerFile = 1000
)

// TooLarge is the message for a file of n bytes over MaxProfileBytes.
func TooLarge(n int) string {
	return fmt.Sprintf("file is %s, over the %s limit: not analysed", mib(n), mib(MaxProfileBytes))
}

func mib(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
