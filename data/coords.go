package data

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// rawGeometry defers the coordinates: encoding/json's reflection over
// hundreds of thousands of [lon,lat] arrays is the slow part of loading, so
// parseCoords reads them with a small hand-written scanner instead.
type rawGeometry struct {
	Type        string       `json:"type"`
	Coordinates rawJSONBytes `json:"coordinates"`
}

// rawJSONBytes holds the raw coordinates array.
type rawJSONBytes []byte

func (r *rawJSONBytes) UnmarshalJSON(b []byte) error {
	// The decoder may reuse b after this call returns, so keep a copy.
	*r = append([]byte(nil), b...)
	return nil
}

// coordScanner parses nested JSON arrays of numbers.
type coordScanner struct {
	b []byte
	i int
}

func (s *coordScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\n', '\r', '\t':
			s.i++
		default:
			return
		}
	}
}

func (s *coordScanner) expect(c byte) error {
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != c {
		return fmt.Errorf("coordinates: want %q at offset %d", c, s.i)
	}
	s.i++
	return nil
}

// list calls item for each element of a JSON array.
func (s *coordScanner) list(item func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			return errors.New("coordinates: unexpected end")
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return fmt.Errorf("coordinates: unexpected %q at offset %d", s.b[s.i], s.i)
		}
	}
}

// number reads a number with JSON's grammar exactly
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), so the loader accepts
// no more than encoding/json would.
func (s *coordScanner) number() (float64, error) {
	s.skipSpace()
	start := s.i
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	bad := func() (float64, error) {
		return 0, fmt.Errorf("coordinates: bad number at offset %d", start)
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return bad()
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return bad()
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return bad()
		}
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return bad()
	}
	return v, nil
}

func (s *coordScanner) point() (orb.Point, error) {
	var p orb.Point
	n := 0
	err := s.list(func() error {
		v, err := s.number()
		if err != nil {
			return err
		}
		if n < 2 {
			p[n] = v
		}
		n++
		return nil
	})
	if err == nil && n < 2 {
		err = errors.New("coordinates: position with fewer than 2 numbers")
	}
	return p, err
}

func (s *coordScanner) ring() (orb.Ring, error) {
	r := make(orb.Ring, 0, 64)
	err := s.list(func() error {
		p, err := s.point()
		r = append(r, p)
		return err
	})
	return r, err
}

func (s *coordScanner) polygon() (orb.Polygon, error) {
	var pg orb.Polygon
	err := s.list(func() error {
		r, err := s.ring()
		pg = append(pg, r)
		return err
	})
	return pg, err
}

// parseMultiPolygon reads a Polygon or MultiPolygon geometry as a
// MultiPolygon and checks ring closure.
func parseMultiPolygon(g *rawGeometry) (orb.MultiPolygon, error) {
	if g == nil || len(g.Coordinates) == 0 {
		return nil, errors.New("no geometry")
	}
	s := &coordScanner{b: g.Coordinates}
	var mp orb.MultiPolygon
	var err error
	switch g.Type {
	case "MultiPolygon":
		err = s.list(func() error {
			pg, err := s.polygon()
			mp = append(mp, pg)
			return err
		})
	case "Polygon":
		var pg orb.Polygon
		pg, err = s.polygon()
		mp = orb.MultiPolygon{pg}
	default:
		return nil, fmt.Errorf("geometry is %q, want MultiPolygon", g.Type)
	}
	if err != nil {
		return nil, err
	}
	if s.skipSpace(); s.i != len(s.b) {
		return nil, fmt.Errorf("coordinates: trailing data at offset %d", s.i)
	}
	if len(mp) == 0 {
		return nil, errors.New("empty MultiPolygon")
	}
	for _, p := range mp {
		if len(p) == 0 {
			return nil, errors.New("empty polygon")
		}
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return nil, errors.New("ring not closed or shorter than 4 points")
			}
		}
	}
	return mp, nil
}
