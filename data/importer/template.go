package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// The revenue template: one header row naming each column in Chinese and
// English ("年份 / year"; either name alone also works, see RevenueAliases),
// then one real figure of the bundled dataset as an example. `layoutmap
// template --out DIR` writes it; copies are in docs/templates.

// templateHeader is the bilingual header, in RevenueColumns order.
var templateHeader = []string{"开发区 / zone", "年份 / year", "营业收入（亿元） / value_yi", "口径 / measure", "界限 / bound", "期间 / period", "统计范围 / scope", "来源 / source"}

// templateExample is the bundled figure for 郑州经济技术开发区 (S13).
var templateExample = []string{"郑州经济技术开发区", "2023", "5000", "营业收入", "lower", "full_year", "zone", "S13: \"2023年營業收入突破5000億元\""}

// templateNotes explain each column on the .xlsx's second sheet.
var templateNotes = [][]string{
	{"列 column", "填写说明", "notes"},
	{"开发区 / zone", "开发区代码（如 G411031）或完整名称", "zone id (e.g. G411031) or its exact name"},
	{"年份 / year", "四位数字年份，1949–2100", "four-digit year, 1949–2100"},
	{"营业收入（亿元） / value_yi", "数字，单位亿元；不要写单位", "number in 亿元 (100 million yuan), digits only"},
	{"口径 / measure", "统计口径，如 营业收入、主营业务收入、四上企业营业收入；不同口径不相比较", "the statistic, e.g. 营业收入; figures of different measures are never compared"},
	{"界限 / bound", "exact（精确）、lower（下限，如“突破”）或 upper（上限）；留空为 exact", "exact, lower (\"over\") or upper; empty means exact"},
	{"期间 / period", "full_year（全年，留空亦可）或 Q1、1-11月 等", "full_year (or empty) or a part of the year such as Q1"},
	{"统计范围 / scope", "数值统计的范围：zone（全区，留空亦可）；只统计开发区一部分时写该部分，如 食品产业（只算食品产业的营收）。部分范围的数值只作开发区营收的下限", "what the figure counts: zone (the whole zone, or empty); for one part only, name it, e.g. 食品产业 (food industry only). A part's figure is only a lower bound of the zone's revenue"},
	{"来源 / source", "必填：出处（文件、年鉴页码、网址）", "required: where the figure was published"},
	{"", "空行忽略；其余列忽略。", "Blank rows and other columns are ignored."},
}

// RevenueTemplateCSV is the template as CSV: UTF-8 with a byte-order mark,
// so Excel opens it with Chinese intact.
func RevenueTemplateCSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Write(templateHeader)
	w.Write(templateExample)
	w.Flush()
	return buf.Bytes()
}

// RevenueTemplateXLSX is the template as an .xlsx workbook: the table on
// sheet "数据 data", the column notes on "说明 notes".
func RevenueTemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const data, notes = "数据 data", "说明 notes"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(notes); err != nil {
		return nil, err
	}
	row := func(sheet string, n int, cells []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return f.SetSheetRow(sheet, cell, &cells)
	}
	head := make([]any, len(templateHeader))
	for i, h := range templateHeader {
		head[i] = h
	}
	// The example's year and value are numbers, as a planner would type them.
	ex := []any{templateExample[0], 2023, 5000}
	for _, c := range templateExample[3:] {
		ex = append(ex, c)
	}
	if err := row(data, 1, head); err != nil {
		return nil, err
	}
	if err := row(data, 2, ex); err != nil {
		return nil, err
	}
	for i, n := range templateNotes {
		cells := make([]any, len(n))
		for j, c := range n {
			cells[j] = c
		}
		if err := row(notes, i+1, cells); err != nil {
			return nil, err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	f.SetRowStyle(data, 1, 1, bold)
	f.SetRowStyle(notes, 1, 1, bold)
	f.SetColWidth(data, "A", "H", 22)
	f.SetColWidth(notes, "A", "C", 40)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("importer: writing the .xlsx template: %w", err)
	}
	return buf.Bytes(), nil
}
