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
	// Leaders are the call-outs' leader lines (x0, y0, x1, y1) and
	// EntCounts the enterprise bubbles' count labels, in image px.
	Leaders   [][4]float64
	EntCounts []LaidBox
	// Labels are the map's name labels (cities, zones, counties), in
	// image px.
	Labels []LaidBox
	Err    error
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
		for _, it := range g.Items {
			if it.label != nil && it.label.Role == roleEnterprise {
				out.EntCounts = append(out.EntCounts, lb(it.label.S, labelBox(*it.label)))
			}
			if g.ID == "callouts" && it.shape != nil && !it.shape.Closed && len(it.shape.Rings) == 1 && len(it.shape.Rings[0]) == 2 {
				r := it.shape.Rings[0]
				out.Leaders = append(out.Leaders, [4]float64{r[0].X, r[0].Y, r[1].X, r[1].Y})
			}
		}
		if g.ID == "labels" {
			for _, it := range g.Items {
				if it.label != nil {
					out.Labels = append(out.Labels, lb(it.label.S, labelBox(*it.label)))
				}
			}
		}
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

// EntSymbolRadii are the radii (CSS px) of an ordinary enterprise's dot,
// a 链主's dot and the smallest cell bubble under o: the map's rule.
func EntSymbolRadii(o Options) (point, leader, cellMin float64) {
	u := unitsOf(o)
	return u.px(entPointR), u.px(entLeaderR), u.px(entCellMinR)
}
