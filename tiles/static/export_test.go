package static

// Test access to the layout's geometry (export_test.go: compiled into the
// tests only).

// LaidBox is a furniture box or a text's box, in the image's CSS px.
type LaidBox struct {
	Name           string
	X0, Y0, X1, Y1 float64
}

// LaidOut is the geometry of one image's layout: its size, the map's part
// of it, the furniture boxes and the furniture's texts (title, caption,
// legend, key, source line, call-out numbers), or the error the renderer
// answers instead of an image.
type LaidOut struct {
	Width, Height int
	Map           LaidBox
	Boxes, Texts  []LaidBox
	Err           error
}

// LayoutForTest lays s out under o as Render does.
func LayoutForTest(s *Scene, o Options) LaidOut {
	d := layout(s, o, nil)
	lb := func(name string, b box) LaidBox { return LaidBox{name, b.X0, b.Y0, b.X1, b.Y1} }
	out := LaidOut{Width: d.Width, Height: d.Height, Map: lb("map", d.mapBox), Err: d.fitErr}
	for _, nb := range d.boxes {
		out.Boxes = append(out.Boxes, lb(nb.name, nb.b))
	}
	for _, g := range d.Groups {
		if g.ID != "furniture" && g.ID != "frame" && g.ID != "callout-key" && g.ID != "callouts" {
			continue
		}
		for _, it := range g.Items {
			if it.label != nil {
				out.Texts = append(out.Texts, lb(it.label.S, labelBox(*it.label)))
			}
		}
	}
	return out
}
