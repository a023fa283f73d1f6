package geo

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ParseDatetime checks the datetime parameter of OGC API Features Part 1
// (/req/core/fc-time-definition, fc-time-response D): an RFC 3339
// date-time or full-date, or an interval "start/end" where either end may be
// ".." or empty (open), not both. A closed interval must not end before it
// starts.
//
// The features of this dataset (boundaries of ~2017 vintage, zones from the
// 2018 catalogue, planning regions) have no temporal geometry: revenue years
// are attributes selected with year=. By /req/core/fc-time-response C a
// valid datetime therefore matches every feature; it never narrows a result
// and never silently selects a revenue year.
func ParseDatetime(s string) error {
	if len(s) > 100 {
		return errors.New("longer than 100 bytes")
	}
	start, end, interval := strings.Cut(s, "/")
	if !interval {
		_, err := parseInstant(s)
		return err
	}
	open := func(v string) bool { return v == "" || v == ".." }
	if open(start) && open(end) {
		return errors.New("an interval needs at least one bounded end, got " + quoteText(s))
	}
	var a, b time.Time
	var err error
	if !open(start) {
		if a, err = parseInstant(start); err != nil {
			return err
		}
	}
	if !open(end) {
		if b, err = parseInstant(end); err != nil {
			return err
		}
	}
	if !open(start) && !open(end) && b.Before(a) {
		return errors.New("the interval ends before it starts")
	}
	return nil
}

func parseInstant(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("must be an RFC 3339 date-time (2018-02-12T23:20:50Z), a date (2018-02-12) or an interval start/end with .. for an open end, got %s", quoteText(v))
}

func quoteText(s string) string { return `"` + Clip(s) + `"` }
