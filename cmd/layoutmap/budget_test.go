package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct{ liveMB, want int }{
		{0, 100},
		{114, 100}, // the bundled dataset at rest (docs/reliability.md)
		{256, 100}, // up to the headroom: Go's default
		{512, 50},  // garbage ≤ 256 MB above the live heap
		{480, 53},  // a million enterprises resident (measured)
		{1024, 25}, // the floor
		{4096, 25}, // never below it
	} {
		if got := gcPercentFor(c.liveMB); got != c.want {
			t.Errorf("gcPercentFor(%d) = %d, want %d", c.liveMB, got, c.want)
		}
		// The heap goal the percentage implies stays within the headroom
		// until the floor.
		if c.liveMB > gcHeadroomMB && c.want > 25 {
			if extra := c.liveMB * gcPercentFor(c.liveMB) / 100; extra > gcHeadroomMB {
				t.Errorf("live %d MB: %d MB of garbage allowed, more than %d", c.liveMB, extra, gcHeadroomMB)
			}
		}
	}
}
