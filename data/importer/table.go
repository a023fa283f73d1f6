package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Encodings accepted by --encoding for CSV files. Auto reads UTF-8 (with
// or without a byte-order mark) and otherwise GB18030, the superset of GBK
// that Chinese Excel's "CSV (逗号分隔)" writes.
const (
	EncodingAuto    = "auto"
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
)

// Limits of table files. An .xlsx is a zip archive: UnzipSizeLimit stops a
// zip bomb (a few KB that inflate to gigabytes) before it is inflated.
const (
	MaxTableBytes    = 64 << 20  // a CSV or .xlsx file as stored
	MaxXLSXUnzipped  = 256 << 20 // all parts of an .xlsx once inflated
	MaxXLSXSheetXML  = 16 << 20  // a worksheet larger than this once inflated is read from a temp file
	MaxTableRows     = MaxRevenueRows
	maxTableColumns  = 200
	maxTableCellSize = 32 << 10
)

// Table is a sheet of text cells as read from a CSV or .xlsx file: Header
// is the first non-empty row, Rows the rest with their 1-based row numbers
// as a spreadsheet shows them (Lines), blank rows dropped.
type Table struct {
	File     string // base name, for messages
	Sheet    string // .xlsx sheet name; "" for CSV
	Encoding string // CSV: the encoding read
	Header   []string
	Rows     [][]string
	Lines    []int
}

// TableError is a file that cannot be read as a table: it names the file
// and, where known, the row and column, and says how to fix it.
type TableError struct {
	File   string
	Row    int    // 0: the whole file
	Column string // "" or e.g. "C (年份)"
	Reason string
	Fix    string
}

func (e *TableError) Error() string {
	var b strings.Builder
	b.WriteString("importer: " + e.File)
	if e.Row > 0 {
		fmt.Fprintf(&b, " row %d", e.Row)
	}
	if e.Column != "" {
		b.WriteString(" column " + e.Column)
	}
	b.WriteString(": " + e.Reason)
	if e.Fix != "" {
		b.WriteString("; fix: " + e.Fix)
	}
	return b.String()
}

// ColumnName is the spreadsheet name of a 0-based column: A, B, …, AA.
func ColumnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprint(i + 1)
	}
	return name
}

var (
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls (Excel 97–2003)
	bomUTF8  = []byte("\uFEFF")
)

// ReadTable reads a CSV or .xlsx file (told apart by content, not by name,
// so a renamed file still reads). encoding applies to CSV: auto, utf-8 or
// gb18030. Any failure is a *TableError.
func ReadTable(r io.Reader, file, encoding string) (*Table, error) {
	file = filepath.Base(file)
	b, err := io.ReadAll(io.LimitReader(r, MaxTableBytes+1))
	if err != nil {
		return nil, &TableError{File: file, Reason: "cannot be read: " + err.Error()}
	}
	if len(b) > MaxTableBytes {
		return nil, &TableError{File: file, Reason: fmt.Sprintf("is larger than %d MB", MaxTableBytes>>20),
			Fix: "split the table into files of one year each, or import through the command line in parts"}
	}
	switch {
	case bytes.HasPrefix(b, magicZip):
		return readXLSX(b, file)
	case bytes.HasPrefix(b, magicOLE):
		return nil, &TableError{File: file, Reason: "is an Excel 97–2003 .xls workbook, which is not read",
			Fix: "in Excel choose File → Save As → Excel Workbook (.xlsx) or CSV UTF-8"}
	}
	return readCSV(b, file, encoding)
}

func readCSV(b []byte, file, encoding string) (*Table, error) {
	t := &Table{File: file}
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return nil, &TableError{File: file, Reason: "is UTF-16 text (Excel's \"Unicode text\")",
			Fix: "save as CSV UTF-8 (逗号分隔) or .xlsx"}
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, &TableError{File: file, Row: 1 + bytes.Count(b[:i], []byte("\n")), Reason: "holds a NUL byte: this is not a text CSV file",
			Fix: "export the table from Excel as CSV UTF-8 or .xlsx"}
	}
	hadBOM := bytes.HasPrefix(b, bomUTF8)
	b = bytes.TrimPrefix(b, bomUTF8)
	switch strings.ToLower(encoding) {
	case "", EncodingAuto:
		if utf8.Valid(b) || hadBOM {
			t.Encoding = EncodingUTF8
		} else {
			t.Encoding = EncodingGB18030
		}
	case EncodingUTF8, "utf8":
		t.Encoding = EncodingUTF8
	case EncodingGB18030, "gbk", "gb2312":
		t.Encoding = EncodingGB18030
	default:
		return nil, &TableError{File: file, Reason: fmt.Sprintf("unknown encoding %q", encoding), Fix: "use --encoding auto, utf-8 or gb18030"}
	}
	if t.Encoding == EncodingUTF8 && !utf8.Valid(b) {
		line := 1 + bytes.Count(b[:firstInvalidUTF8(b)], []byte("\n"))
		return nil, &TableError{File: file, Row: line, Reason: "is not valid UTF-8 text (it looks like GB18030/GBK, what Chinese Excel's \"CSV (逗号分隔)\" writes)",
			Fix: "use --encoding gb18030 (or auto), or save as \"CSV UTF-8 (逗号分隔)\""}
	}
	if t.Encoding == EncodingGB18030 {
		dec, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), b)
		if err != nil {
			return nil, &TableError{File: file, Reason: "is neither UTF-8 nor GB18030 text: " + err.Error(), Fix: "save the table as CSV UTF-8 or .xlsx"}
		}
		b = dec
	}
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(b)))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if err := t.add(rec, line); err != nil {
			return nil, err
		}
	}
	return t.done()
}

// csvError is the TableError of an error of encoding/csv's reader: a
// parse error names its row and column and says how to quote.
func csvError(file string, err error) *TableError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &TableError{File: file, Row: pe.StartLine, Column: ColumnName(max(pe.Column-1, 0)),
			Reason: pe.Err.Error(), Fix: "a cell with a comma, quote or line break must be in double quotes, and a quote inside it doubled (\"\")"}
	}
	return &TableError{File: file, Reason: err.Error()}
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// add appends a row, the first non-blank one as the header.
func (t *Table) add(rec []string, line int) error {
	blank := true
	for i := range rec {
		rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\uFEFF"))
		if rec[i] != "" {
			blank = false
		}
		if len(rec[i]) > maxTableCellSize {
			return &TableError{File: t.File, Row: line, Column: ColumnName(i), Reason: fmt.Sprintf("a cell is longer than %d KB", maxTableCellSize>>10)}
		}
	}
	if blank {
		return nil
	}
	if len(rec) > maxTableColumns {
		return &TableError{File: t.File, Row: line, Reason: fmt.Sprintf("has %d columns, more than %d", len(rec), maxTableColumns)}
	}
	if t.Header == nil {
		t.Header = rec
		return nil
	}
	if len(t.Rows) >= MaxTableRows {
		return &TableError{File: t.File, Row: line, Reason: fmt.Sprintf("has more than %d rows", MaxTableRows), Fix: "split the file"}
	}
	t.Rows = append(t.Rows, rec)
	t.Lines = append(t.Lines, line)
	return nil
}

func (t *Table) done() (*Table, error) {
	if t.Header == nil {
		return nil, &TableError{File: t.File, Reason: "is empty", Fix: "start from the template (layoutmap template --out DIR)"}
	}
	return t, nil
}

// readXLSX reads the first sheet whose header names the table's columns
// (see columnsOf), else the first sheet. Values are the cells' raw values
// (numbers unformatted, so 1,234.5 shown with a thousands separator reads
// 1234.5); a formula cell reads as its last computed value.
func readXLSX(b []byte, file string) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit: MaxXLSXUnzipped, UnzipXMLSizeLimit: MaxXLSXSheetXML, RawCellValue: true,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, &TableError{File: file, Reason: fmt.Sprintf("inflates to more than %d MB: refused as a possible zip bomb", MaxXLSXUnzipped>>20),
				Fix: "save a workbook holding only the table (one sheet, no images)"}
		}
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
			return nil, &TableError{File: file, Reason: "is a zip archive but not an .xlsx workbook: " + err.Error(), Fix: "save the table from Excel as .xlsx"}
		}
		return nil, &TableError{File: file, Reason: "cannot be opened as .xlsx: " + err.Error(), Fix: "save the table from Excel as .xlsx"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &TableError{File: file, Reason: "has no sheet"}
	}
	var first *Table
	for _, sh := range sheets {
		t, err := readSheet(f, file, sh)
		if err != nil {
			return nil, err
		}
		if t.Header == nil {
			continue
		}
		if first == nil {
			first = t
		}
		if _, err := revenueColumns(t); err == nil {
			return t, nil
		}
	}
	if first == nil {
		return nil, &TableError{File: file, Reason: "has no data in any sheet", Fix: "start from the template (layoutmap template --out DIR)"}
	}
	return first, nil
}

func readSheet(f *excelize.File, file, sheet string) (*Table, error) {
	t := &Table{File: file, Sheet: sheet}
	rows, err := f.Rows(sheet)
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, &TableError{File: file, Reason: "sheet " + sheet + " is too large once inflated: refused as a possible zip bomb"}
		}
		return nil, &TableError{File: file, Reason: "sheet " + sheet + ": " + err.Error()}
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &TableError{File: file, Row: n, Reason: "sheet " + sheet + ": " + err.Error()}
		}
		for i, v := range rec {
			if v != "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, n)
			if fx, _ := f.GetCellFormula(sheet, cell); fx != "" {
				return nil, &TableError{File: file + " sheet " + sheet, Row: n, Column: ColumnName(i),
					Reason: "holds the formula =" + fx + " without a computed value",
					Fix:    "open the file in Excel and save it again, or copy the column and Paste Special → Values"}
			}
		}
		if err := t.add(rec, n); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &TableError{File: file, Reason: "sheet " + sheet + ": " + err.Error()}
	}
	return t, nil
}
