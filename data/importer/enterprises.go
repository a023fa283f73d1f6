package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"layoutmap/data"
	"layoutmap/geo"
)

// Limits of an enterprise list: a province's lists hold tens of
// thousands of firms, a country's millions.
const (
	MaxEnterpriseBytes = 2 << 30
	MaxEnterpriseRows  = 5_000_000
)

// ReadEnterprises reads an enterprise list: CSV (UTF-8 or GB18030, see
// encoding), .xlsx (first sheet) or a GeoJSON FeatureCollection of points,
// with the columns of data.EnterpriseColumns (Chinese headers of
// data.EnterpriseColumnAliases accepted). conv converts the coordinates to
// WGS84 (nil: none). Rows that cannot be read are problems naming file and
// row; the error is for a file that cannot be read at all. Resolution
// (admin codes, zones, duplicates) is data.ResolveEnterprises's job.
func ReadEnterprises(r io.Reader, file, encoding string, conv Converter) ([]data.EnterpriseIn, []data.Problem, error) {
	var c collectRows
	probs, err := streamEnterprises(r, file, encoding, conv, &c, 0)
	if err != nil {
		return nil, nil, err
	}
	return c.rows, probs, nil
}

// EnterpriseSink receives an enterprise list's rows as they are read
// (data.EnterpriseStream is one): Hint once with the number of rows
// expected (an estimate for a CSV), then Add with the rows in file order,
// each slice the sink's to keep.
type EnterpriseSink interface {
	Hint(rows int)
	Add(rows []data.EnterpriseIn)
}

// StreamChunk is how many rows StreamEnterprises hands on at a time.
const StreamChunk = 4096

// StreamEnterprises reads like ReadEnterprises but hands the rows to sink
// StreamChunk at a time while it reads (a CSV is never held whole), and
// returns the problems of the rows it could not read.
func StreamEnterprises(r io.Reader, file, encoding string, conv Converter, sink EnterpriseSink) ([]data.Problem, error) {
	return streamEnterprises(r, file, encoding, conv, sink, StreamChunk)
}

// collectRows is the sink of ReadEnterprises: every row in one slice.
type collectRows struct{ rows []data.EnterpriseIn }

func (c *collectRows) Hint(int) {}
func (c *collectRows) Add(rows []data.EnterpriseIn) {
	if c.rows == nil {
		c.rows = rows
		return
	}
	c.rows = append(c.rows, rows...)
}

// streamEnterprises reads r into sink, chunk rows at a time (0: all at
// once, in one slice allocated for the rows expected).
func streamEnterprises(r io.Reader, file, encoding string, conv Converter, sink EnterpriseSink, chunk int) ([]data.Problem, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4096)
	t := bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n")
	er := newEnterpriseRows(file, conv, sink, chunk)
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		if err := readEnterpriseGeoJSON(br, er); err != nil {
			return nil, err
		}
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicOLE):
		tab, err := ReadTable(br, file, encoding)
		if err != nil {
			return nil, err
		}
		if err := er.header(tab.Header); err != nil {
			return nil, err
		}
		er.start(len(tab.Rows))
		for i, rec := range tab.Rows {
			er.row(rec, tab.Lines[i])
		}
	default:
		if err := readEnterpriseCSV(br, sizeOf(r), encoding, er); err != nil {
			return nil, err
		}
	}
	er.flush()
	return er.probs, nil
}

// sizeOf is the byte size of r when it knows it (a file, bytes.Reader,
// strings.Reader or a reader with a Size method), or -1.
func sizeOf(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size()
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return -1
}

// csvRowsHint estimates how many rows a CSV of size bytes holds from the
// line lengths of its head, so that the rows are allocated once: growing
// the slice of a million rows by appending copies ~1 GB and holds the old
// and new arrays together at the peak of a start-up.
func csvRowsHint(head []byte, size int64) int {
	lines := bytes.Count(head, []byte{'\n'})
	if size <= 0 || lines == 0 {
		return 0
	}
	est := size * int64(lines) / int64(len(head))
	return int(min(est+est/32+16, MaxEnterpriseRows))
}

func readEnterpriseCSV(br *bufio.Reader, size int64, encoding string, er *enterpriseRows) error {
	file := er.file
	head, _ := br.Peek(1 << 16)
	var src io.Reader = br
	switch strings.ToLower(encoding) {
	case "", EncodingAuto:
		// Judge by the first 64 KB, ignoring a rune cut at its end.
		h := head
		for i := 0; i < 4 && len(h) > 0 && !utf8.Valid(h); i++ {
			h = h[:len(h)-1]
		}
		if !utf8.Valid(h) && !bytes.HasPrefix(head, bomUTF8) {
			src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
		}
	case EncodingUTF8, "utf8":
	case EncodingGB18030, "gbk", "gb2312":
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	default:
		return &TableError{File: file, Reason: fmt.Sprintf("unknown encoding %q", encoding), Fix: "use --encoding auto, utf-8 or gb18030"}
	}
	cr := csv.NewReader(io.LimitReader(src, MaxEnterpriseBytes))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	er.start(csvRowsHint(head, size))
	haveHeader := false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if !haveHeader {
			if blank(rec) {
				continue
			}
			if err := er.header(rec); err != nil {
				return err
			}
			haveHeader = true
			continue
		}
		if er.n+len(er.probs) >= MaxEnterpriseRows {
			return &TableError{File: file, Row: line, Reason: fmt.Sprintf("has more than %d rows", MaxEnterpriseRows), Fix: "split the file"}
		}
		er.row(rec, line)
	}
	if !haveHeader {
		return &TableError{File: file, Reason: "is empty", Fix: "the first row names the columns: " + strings.Join(data.EnterpriseColumns, ", ")}
	}
	return nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// The columns of data.EnterpriseColumns by index, so that reading a row
// looks no name up (checked against the list at start).
const (
	colID = iota
	colCreditCode
	colName
	colNameEN
	colLon
	colLat
	colLocationQuality
	colChains
	colClusters
	colClasses
	colZoneID
	colSource
	colYear
)

func init() {
	for i, name := range []string{"id", "credit_code", "name", "name_en", "lon", "lat", "location_quality", "chains", "clusters", "classes", "zone_id", "source", "year"} {
		if data.EnterpriseColumn(name) != i {
			panic("importer: the enterprise column constants do not follow data.EnterpriseColumns")
		}
	}
}

// enterpriseRows turns table rows into EnterpriseIn and hands them to
// sink, chunk at a time (0: all at the end).
type enterpriseRows struct {
	file  string
	conv  Converter
	col   [16]int // index in the row of each EnterpriseColumns entry, -1 absent
	sink  EnterpriseSink
	chunk int
	out   []data.EnterpriseIn // rows not handed on yet
	n     int                 // rows read
	probs []data.Problem
	where []byte
}

func newEnterpriseRows(file string, conv Converter, sink EnterpriseSink, chunk int) *enterpriseRows {
	return &enterpriseRows{file: file, conv: conv, sink: sink, chunk: chunk}
}

// start tells the sink how many rows to expect and makes room for them.
func (er *enterpriseRows) start(expect int) {
	er.sink.Hint(expect)
	if er.chunk > 0 {
		expect = er.chunk
	}
	er.out = make([]data.EnterpriseIn, 0, expect)
}

// add takes one read row, handing a full chunk on.
func (er *enterpriseRows) add(e data.EnterpriseIn) {
	er.out = append(er.out, e)
	er.n++
	if er.chunk > 0 && len(er.out) >= er.chunk {
		er.sink.Add(er.out)
		er.out = make([]data.EnterpriseIn, 0, er.chunk)
	}
}

// flush hands on the rows not handed on yet.
func (er *enterpriseRows) flush() {
	if len(er.out) > 0 {
		er.sink.Add(er.out)
	}
	er.out = nil
}

func (er *enterpriseRows) header(h []string) error {
	for i := range er.col {
		er.col[i] = -1
	}
	for i, name := range h {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\uFEFF")))
		if a, ok := data.EnterpriseColumnAliases[name]; ok {
			name = a
		}
		if j := data.EnterpriseColumn(name); j >= 0 {
			if er.col[j] >= 0 {
				return &TableError{File: er.file, Row: 1, Column: ColumnName(i), Reason: fmt.Sprintf("column %s is given twice", name)}
			}
			er.col[j] = i
		}
	}
	for _, need := range []string{"name", "lon", "lat", "source"} {
		if er.col[data.EnterpriseColumn(need)] < 0 {
			return &TableError{File: er.file, Row: 1, Reason: fmt.Sprintf("has no %s column", need),
				Fix: "the first row names the columns: " + strings.Join(data.EnterpriseColumns, ", ") + " (name, lon, lat and source are required)"}
		}
	}
	return nil
}

func (er *enterpriseRows) row(rec []string, line int) {
	if blank(rec) {
		return
	}
	get := func(col int) string {
		if i := er.col[col]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	er.where = er.where[:0]
	er.where = append(er.where, er.file...)
	er.where = append(er.where, " row "...)
	er.where = strconv.AppendInt(er.where, int64(line), 10)
	where := string(er.where)
	bad := func(format string, args ...any) {
		er.probs = append(er.probs, data.Problem{Where: where, Reason: fmt.Sprintf(format, args...)})
	}
	lon, err1 := strconv.ParseFloat(get(colLon), 64)
	lat, err2 := strconv.ParseFloat(get(colLat), 64)
	if err1 != nil || err2 != nil || math.IsNaN(lon) || math.IsNaN(lat) {
		bad("lon %q, lat %q are not numbers in degrees", geo.Clip(get(colLon)), geo.Clip(get(colLat)))
		return
	}
	e := data.EnterpriseIn{
		Where: where, ID: get(colID), CreditCode: get(colCreditCode), Name: get(colName), NameEN: get(colNameEN),
		Point: convert(orb.Point{lon, lat}, er.conv), LocationQuality: get(colLocationQuality),
		Chains: data.SplitList(get(colChains)), Clusters: data.SplitList(get(colClusters)), Classes: data.SplitList(get(colClasses)),
		ZoneID: get(colZoneID), Source: get(colSource),
	}
	if y := get(colYear); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			bad("year %q is not a whole number", geo.Clip(y))
			return
		}
		e.Year = n
	}
	er.add(e)
}

// readEnterpriseGeoJSON reads a FeatureCollection of Point features whose
// properties are the columns (lists as JSON arrays or ";"-separated text).
func readEnterpriseGeoJSON(r io.Reader, er *enterpriseRows) error {
	file, conv := er.file, er.conv
	b, err := io.ReadAll(io.LimitReader(r, MaxEnterpriseBytes+1))
	if err != nil {
		return fmt.Errorf("importer: reading %s: %w", file, err)
	}
	if len(b) > MaxEnterpriseBytes {
		return fmt.Errorf("importer: %s is larger than %d bytes", file, MaxEnterpriseBytes)
	}
	fc, err := geojson.UnmarshalFeatureCollection(bytes.TrimPrefix(b, bomUTF8))
	if err != nil {
		return fmt.Errorf("importer: %s is not a GeoJSON FeatureCollection: %w", file, err)
	}
	er.start(len(fc.Features))
	for i, f := range fc.Features {
		where := fmt.Sprintf("%s feature %d", file, i+1)
		pt, ok := f.Geometry.(orb.Point)
		if !ok || !finite(pt) {
			er.probs = append(er.probs, data.Problem{Where: where, Reason: "geometry is not a Point in lon/lat degrees"})
			continue
		}
		s := func(k string) string { return strings.TrimSpace(str(f.Properties, k)) }
		list := func(k string) []string {
			if v, ok := strList(f.Properties[k]); ok && v != nil {
				return v
			}
			return data.SplitList(s(k))
		}
		e := data.EnterpriseIn{
			Where: where, ID: s("id"), CreditCode: s("credit_code"), Name: s("name"), NameEN: s("name_en"),
			Point: convert(pt, conv), LocationQuality: s("location_quality"),
			Chains: list("chains"), Clusters: list("clusters"), Classes: list("classes"), ZoneID: s("zone_id"), Source: s("source"),
		}
		if e.ID == "" {
			if id, ok := f.ID.(string); ok {
				e.ID = id
			}
		}
		switch y := f.Properties["year"].(type) {
		case float64:
			e.Year = int(y)
		case string:
			e.Year, _ = strconv.Atoi(y)
		}
		er.add(e)
	}
	return nil
}
