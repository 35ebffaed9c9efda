package check

import "fmt"

// plural is "1 error", "2 errors": messages count in plain words.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
