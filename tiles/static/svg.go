package static

import (
	"bufio"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"
)

// writeSVG writes d as SVG 1.1. The output is deterministic (fixed number
// format, display-list order), so golden files can pin it. Text stays text
// (<text> with FontFamily), so the image is searchable and editable in a
// report.
func writeSVG(w io.Writer, d *drawing) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	// width and height in mm: the physical size the type was set for
	// (see units.go), so a word processor inserts the image at it; the
	// viewBox keeps every coordinate in CSS px.
	mm := d.WidthMM
	if mm <= 0 {
		mm = float64(d.Width) / cssPxPerInch * mmPerInch
	}
	p(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%smm" height="%smm" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		num2(mm), num2(mm*float64(d.Height)/float64(d.Width)), d.Width, d.Height, FontFamily)
	p("<title>%s</title>\n", esc(d.Title))
	for _, g := range d.Groups {
		if len(g.Items) == 0 {
			continue
		}
		p(`<g id="%s">`+"\n", esc(g.ID))
		for _, it := range g.Items {
			switch {
			case it.shape != nil:
				writeShape(bw, it.shape)
			case it.label != nil:
				writeLabel(bw, it.label)
			}
		}
		p("</g>\n")
	}
	p("</svg>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("static: writing svg: %w", err)
	}
	return nil
}

func writeShape(w *bufio.Writer, s *shape) {
	var b strings.Builder
	for _, r := range s.Rings {
		for i, q := range r {
			if i == 0 {
				b.WriteByte('M')
			} else {
				b.WriteByte('L')
			}
			b.WriteString(num(q.X))
			b.WriteByte(' ')
			b.WriteString(num(q.Y))
		}
		if s.Closed {
			b.WriteByte('Z')
		}
	}
	w.WriteString("<path")
	if s.Zone != "" {
		fmt.Fprintf(w, ` data-zone="%s"`, esc(s.Zone))
	}
	fmt.Fprintf(w, ` d="%s"`, b.String())
	if s.Fill.A > 0 && s.Closed {
		writePaint(w, "fill", s.Fill)
	} else {
		w.WriteString(` fill="none"`)
	}
	if s.Stroke.A > 0 && s.Width > 0 {
		writePaint(w, "stroke", s.Stroke)
		fmt.Fprintf(w, ` stroke-width="%s" stroke-linejoin="round"`, num(s.Width))
		if len(s.Dash) > 0 {
			ds := make([]string, len(s.Dash))
			for i, x := range s.Dash {
				ds[i] = num(x)
			}
			fmt.Fprintf(w, ` stroke-dasharray="%s"`, strings.Join(ds, " "))
		}
	}
	if s.Title != "" {
		// A child <title> is the SVG tooltip and accessible name.
		fmt.Fprintf(w, "><title>%s</title></path>\n", esc(s.Title))
		return
	}
	w.WriteString("/>\n")
}

func writeLabel(w *bufio.Writer, l *label) {
	w.WriteString("<text")
	if l.Zone != "" {
		fmt.Fprintf(w, ` data-zone="%s"`, esc(l.Zone))
	}
	if l.Role != "" {
		fmt.Fprintf(w, ` class="%s"`, esc(l.Role))
	}
	fmt.Fprintf(w, ` x="%s" y="%s" font-size="%s"`, num(l.X), num(l.Y), num2(l.Size))
	if l.Bold {
		w.WriteString(` font-weight="bold"`)
	}
	switch l.Anchor {
	case anchorMiddle:
		w.WriteString(` text-anchor="middle"`)
	case anchorEnd:
		w.WriteString(` text-anchor="end"`)
	}
	writePaint(w, "fill", l.Fill)
	if l.Halo > 0 {
		// paint-order puts the halo stroke under the glyphs.
		fmt.Fprintf(w, ` stroke="#ffffff" stroke-width="%s" stroke-linejoin="round" paint-order="stroke"`, num(l.Halo))
	}
	fmt.Fprintf(w, ">%s</text>\n", esc(l.S))
}

func writePaint(w *bufio.Writer, attr string, c color.NRGBA) {
	fmt.Fprintf(w, ` %s="#%02x%02x%02x"`, attr, c.R, c.G, c.B)
	if c.A < 255 {
		fmt.Fprintf(w, ` %s-opacity="%s"`, attr, strconv.FormatFloat(math.Round(float64(c.A)/255*1000)/1000, 'f', -1, 64))
	}
}

// num formats a coordinate with at most one decimal: a tenth of a pixel is
// below what a viewer shows and keeps golden files short and stable.
func num(x float64) string {
	r := math.Round(x*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// num2 formats a length with at most two decimals (font sizes, mm), so
// sizes read back from the SVG are within 0.005 of those drawn.
func num2(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func esc(s string) string { return xmlEscaper.Replace(s) }
