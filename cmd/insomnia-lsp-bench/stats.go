package main

import (
	"sort"
	"time"
)

// dist summarises samples in milliseconds.
type dist struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func summarize(samples []time.Duration) dist {
	if len(samples) == 0 {
		return dist{}
	}
	s := append([]time.Duration(nil), samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return dist{N: len(s), P50: ms(rank(s, 50)), P90: ms(rank(s, 90)), P99: ms(rank(s, 99)), Max: ms(s[len(s)-1])}
}

// rank is the nearest-rank percentile of sorted samples.
func rank(s []time.Duration, p int) time.Duration {
	i := (p*len(s)+99)/100 - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
