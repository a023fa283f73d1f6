package api

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"layoutmap/geo"
)

// mediaXLSX is the media type of Office Open XML workbooks (f=xlsx).
const mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxNote is the second sheet: what the columns mean, so a workbook sent
// on without the map still says how to read its figures.
var xlsxNote = [][2]string{
	{"列 / column", "说明 / meaning"},
	{"revenue_yi", "亿元；空 = 无可比数据（不是 0）/ 100 million yuan; empty = no comparable figure (not 0)"},
	{"revenue_year, measure, period", "该数字的年份、口径、期间 / year, measure and period of that figure"},
	{"bound", "exact 确数；lower 下限（“突破/超过”或部分月份，至少此数）；upper 上限 / exact, lower bound (at least), upper bound"},
	{"tier", "营收档次（按 bound：下限值为“至少此档”）/ revenue tier (a lower bound means at least this tier)"},
	{"geom_quality", "official 官方边界；approximate 按批准面积画圆（非官方）；空 = 无范围 / official outline, approximate circle, empty = none"},
	{"lat, lon", "WGS 84 / CRS84 度；开发区为其定位点 / degrees; a zone's location point"},
	{"source, revenue_source", "来源编号（S..）见 /api/v1/reference 的 sources / source ids, see sources in /api/v1/reference"},
}

// encodeXLSX writes features as one worksheet with the same columns, in
// the same order and with the same values as encodeCSV (csvColumns, one
// list for both): numbers are number cells, text is text (a text cell is
// never read as a formula, so it needs no neutralising quote), and an
// unknown value is an empty cell. query is the request's filter, repeated
// on the notes sheet.
func encodeXLSX(fs []geo.Feature, query string) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "zones"
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
	head := make([]any, len(csvColumns))
	for i, c := range csvColumns {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{}); err != nil {
		return nil, err
	}
	row := make([]any, len(csvColumns))
	for n, f := range fs {
		lon, lat, hasPoint := featurePoint(f)
		for i, col := range csvColumns {
			switch col {
			case "id":
				row[i] = f.ID
			case "lat", "lon":
				row[i] = nil
				if hasPoint {
					v := lat
					if col == "lon" {
						v = lon
					}
					// The CSV's rounding, as a number.
					row[i], _ = strconv.ParseFloat(string(appendCoord(nil, v)), 64)
				}
			default:
				cell, text, err := rawCell(f.Properties[col])
				if err != nil {
					return nil, fmt.Errorf("api: xlsx feature %s %s: %w", f.ID, col, err)
				}
				row[i] = xlsxValue(cell, text)
			}
		}
		axis, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(axis, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if _, err := x.NewSheet("notes"); err != nil {
		return nil, err
	}
	notes := append([][2]string{{"filter / 筛选", query}}, xlsxNote...)
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

// xlsxValue is a CSV cell as a typed cell: "" stays empty, non-text
// numbers and booleans become numbers and booleans.
func xlsxValue(cell string, text bool) any {
	if cell == "" {
		return nil
	}
	if text {
		return cell
	}
	if b, err := strconv.ParseBool(cell); err == nil {
		return b
	}
	if v, err := strconv.ParseFloat(cell, 64); err == nil {
		return v
	}
	return cell
}

func (s *server) sendXLSX(c *fiber.Ctx, name, query string, fs []geo.Feature) error {
	body, err := encodeXLSX(fs, query)
	if err != nil {
		return fmt.Errorf("api: encoding xlsx %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, mediaXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="layoutmap-`+safeFilename(name)+`.xlsx"`)
	return c.Send(body)
}
