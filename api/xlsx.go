package api

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"layoutmap/geo"
)

// mediaXLSX is the media type of Office Open XML workbooks (f=xlsx).
const mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxNoteHead opens the notes sheet; a row per column follows, from the
// field table, so a workbook sent on without the map still says how to
// read its figures.
var xlsxNoteHead = [][2]string{
	{"列 / column", "说明 / meaning"},
	{"(空 / empty)", "未知或无可比数据（不是 0）/ unknown or no comparable figure (not 0)"},
}

// encodeXLSX writes features of collection cs as one worksheet named after
// the collection, with the CSV's columns (tableColumns) and values
// (tableRow) as typed cells: numbers are number cells, booleans boolean
// cells, text is text (a text cell is never read as a formula, so it needs
// no neutralising quote), and an unknown value is an empty cell. query is
// the request's filter, repeated on the notes sheet with the meaning of
// every column; extra rows (the enterprise year note) follow the filter.
func encodeXLSX(cs geo.CollectionSchema, fs []geo.Feature, query string, extra ...[2]string) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := cs.ID
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	// The header row stays in view while scrolling.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cols := tableColumns(cs)
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Name}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{}); err != nil {
		return nil, err
	}
	for n, f := range fs {
		axis, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(axis, tableRow(cols, f)); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if _, err := x.NewSheet("notes"); err != nil {
		return nil, err
	}
	notes := append(append([][2]string{{"filter / 筛选", query}}, extra...), xlsxNoteHead...)
	for _, c := range cols[1:] {
		meaning := c.TitleZH + " / " + c.TitleEN
		if c.Unit != "" {
			meaning += " (" + c.Unit + ")"
		}
		if c.Description != "" {
			meaning += ": " + c.Description
		}
		notes = append(notes, [2]string{c.Name, meaning})
	}
	for i, r := range notes {
		for j, v := range r {
			axis, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr("notes", axis, v); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *server) sendXLSX(c *fiber.Ctx, cs geo.CollectionSchema, name, query string, fs []geo.Feature, notes ...[2]string) error {
	body, err := encodeXLSX(cs, fs, query, notes...)
	if err != nil {
		return fmt.Errorf("api: encoding xlsx %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, mediaXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="layoutmap-`+safeFilename(name)+`.xlsx"`)
	return c.Send(body)
}
