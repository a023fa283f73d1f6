// Package svgtest reads the SVG documents the static map renderer writes,
// for the tests that check them (print units, drawn zones): one element
// list both read instead of two XML loops.
package svgtest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
)

// Element is one SVG element: its name, attributes, the character data
// directly inside it (a <text>'s string), and the id of the <g> it sits in.
type Element struct {
	Name  string
	Attr  map[string]string
	Text  string
	Group string
}

// Parse returns the elements of an SVG in document order.
func Parse(b []byte) ([]Element, error) {
	var out []Element
	var open []int // indexes into out of the elements not yet closed
	var groups []string
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := make(map[string]string, len(e.Attr))
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			group := ""
			if len(groups) > 0 {
				group = groups[len(groups)-1]
			}
			if e.Name.Local == "g" {
				groups = append(groups, attr["id"])
			}
			out = append(out, Element{Name: e.Name.Local, Attr: attr, Group: group})
			open = append(open, len(out)-1)
		case xml.CharData:
			if len(open) > 0 {
				out[open[len(open)-1]].Text += string(e)
			}
		case xml.EndElement:
			open = open[:len(open)-1]
			if e.Name.Local == "g" {
				groups = groups[:len(groups)-1]
			}
		}
	}
}
