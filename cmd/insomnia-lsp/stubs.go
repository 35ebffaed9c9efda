package main

import (
	"fmt"
	"io"
)

// TODO(lead): wired to profile/... as those packages land.
func check(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "check: not wired yet")
	return 2
}

func resolve(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "resolve: not wired yet")
	return 2
}

func profiles(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "profiles: not wired yet")
	return 2
}
