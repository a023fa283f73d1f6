package admin

import (
	"html/template"
	"strconv"

	"layoutmap/data"
	"layoutmap/geo"
)

// pageData is everything the one admin page template shows.
type pageData struct {
	Login      string // login form token; set when logged out
	LoggedIn   bool
	CSRF       string
	NoDatabase bool
	Error      string
	Done       string
	File       string
	Upload     string // id of a checked upload waiting for confirmation
	Report     *report
	Versions   []data.Version
}

func figure(r *geo.Revenue) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(r.RevenueYi, 'f', -1, 64) + " 亿元 (" + r.Bound + ")"
}

var pageTmpl = template.Must(template.New("admin").Funcs(template.FuncMap{"figure": figure}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>layoutmap 数据管理 · data admin</title>
<style>
body{font:15px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}.en{color:#555}
.error{background:#fde8e8;border:1px solid #d33;padding:.5rem 1rem}.done{background:#e6f6e6;border:1px solid #393;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
form.inline{display:inline}button{font:inherit;padding:.3rem .9rem}label{display:block;margin:.4rem 0}
</style></head><body>
<h1>layoutmap 数据管理 <span class="en">· data admin</span></h1>
{{if .Error}}<p class="error" role="alert" id="error">{{.Error}}</p>{{end}}
{{if .Done}}<p class="done" role="status" id="done">{{.Done}}</p>{{end}}
{{if not .LoggedIn}}
<form method="post" action="/admin/login" id="login">
<input type="hidden" name="login_token" value="{{.Login}}">
<label>密码 <span class="en">Password</span> <input type="password" name="password" autocomplete="current-password" required autofocus></label>
<button type="submit">登录 <span class="en">Log in</span></button>
</form>
{{else}}
<form method="post" action="/admin/logout" class="inline"><input type="hidden" name="csrf" value="{{.CSRF}}"><button>退出 <span class="en">Log out</span></button></form>
{{if .NoDatabase}}
<p class="error" id="needs-postgis">本服务器使用内置数据集运行，无法修改。上传与回滚需要 PostGIS：使用 <code>--database-url</code>（只读）与 <code>--write-database-url</code>（写入）启动。<br>
<span class="en">This server runs on the embedded dataset, which cannot be changed. Uploads and rollback need PostGIS: start it with <code>--database-url</code> (read-only) and <code>--write-database-url</code> (write).</span></p>
{{else}}
{{with .Report}}
<h2 id="report">{{if $.Upload}}检查报告（尚未导入）<span class="en">· check report (not imported yet)</span>{{else}}结果 <span class="en">· result</span>{{end}}: {{$.File}}</h2>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
{{if .Rejected}}<p class="error">{{len .Rejected}} 行被拒绝，未做任何更改。<span class="en">{{len .Rejected}} item(s) rejected; nothing was changed.</span></p>
<table id="rejected"><tr><th>位置 <span class="en">where</span></th><th>原因 <span class="en">reason</span></th></tr>
{{range .Rejected}}<tr><td>{{.Where}}</td><td>{{.Reason}}</td></tr>{{end}}</table>{{end}}
{{if .Repaired}}<p>已修复的几何 <span class="en">repaired geometries</span>:</p><ul>{{range .Repaired}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Diff}}<p id="diff-summary">变化 <span class="en">changes</span>: {{.Summary}}</p>
<table id="diff"><tr><th>变化 <span class="en">change</span></th><th>开发区 <span class="en">zone</span></th><th>年份 <span class="en">year</span></th><th>口径 <span class="en">measure</span></th><th>原值 <span class="en">before</span></th><th>新值 <span class="en">after</span></th></tr>
{{range .FiguresAdded}}<tr><td>新增 <span class="en">added</span></td><td>{{.Zone}}</td><td>{{.Year}}</td><td>{{.Measure}} ({{.Period}}){{if and .Scope (ne .Scope "zone")}} · 统计范围 <span class="en">scope</span> {{.Scope}}{{end}}</td><td>{{figure .Old}}</td><td>{{figure .New}}</td></tr>{{end}}
{{range .FiguresChanged}}<tr><td>修改 <span class="en">changed</span></td><td>{{.Zone}}</td><td>{{.Year}}</td><td>{{.Measure}} ({{.Period}}){{if and .Scope (ne .Scope "zone")}} · 统计范围 <span class="en">scope</span> {{.Scope}}{{end}}</td><td>{{figure .Old}}</td><td>{{figure .New}}</td></tr>{{end}}
{{range .FiguresRemoved}}<tr><td>删除 <span class="en">removed</span></td><td>{{.Zone}}</td><td>{{.Year}}</td><td>{{.Measure}} ({{.Period}}){{if and .Scope (ne .Scope "zone")}} · 统计范围 <span class="en">scope</span> {{.Scope}}{{end}}</td><td>{{figure .Old}}</td><td>{{figure .New}}</td></tr>{{end}}
{{range .ZonesAdded}}<tr><td>新增开发区 <span class="en">zone added</span></td><td>{{.}}</td><td></td><td></td><td></td><td></td></tr>{{end}}
{{range .ZonesRemoved}}<tr><td>删除开发区 <span class="en">zone removed</span></td><td>{{.}}</td><td></td><td></td><td></td><td></td></tr>{{end}}
{{range .ZonesChanged}}<tr><td>修改开发区 <span class="en">zone changed</span></td><td>{{.ID}}</td><td colspan="4">{{range .Fields}}{{.}} {{end}}</td></tr>{{end}}
</table>{{end}}
{{with .EnterpriseLinks}}<p class="error" id="enterprise-links">{{.MessageZH}}<br><span class="en">{{.Message}}</span></p>{{end}}
{{if $.Upload}}<form method="post" action="/admin/confirm" id="confirm"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="upload" value="{{$.Upload}}">
<button type="submit">确认导入 <span class="en">Confirm and import</span></button></form>{{end}}
{{end}}
<h2>上传 <span class="en">· upload</span></h2>
<p>营业收入表（.xlsx 或 .csv）或开发区 GeoJSON。先检查，确认后才导入。下载模板：<a id="template-xlsx" href="/admin/templates/revenue_template.xlsx">Excel (.xlsx)</a> · <a id="template-csv" href="/admin/templates/revenue_template.csv">CSV</a><br>
<span class="en">A revenue table (.xlsx or .csv) or a zones GeoJSON. It is checked first and imported only when you confirm. Download the template: Excel (.xlsx) or CSV (links above).</span></p>
<form method="post" action="/admin/check" enctype="multipart/form-data" id="upload">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label>文件 <span class="en">File</span> <input type="file" name="file" accept=".xlsx,.csv,.geojson,.json" required></label>
<label>CSV 编码 <span class="en">CSV encoding</span> <select name="encoding"><option value="auto">自动 auto</option><option value="utf-8">UTF-8</option><option value="gb18030">GB18030 / GBK</option></select></label>
<label>预期行数（可选） <span class="en">Expected rows (optional)</span> <input type="number" name="expect_rows" min="0"></label>
<button type="submit">检查 <span class="en">Check</span></button>
</form>
<h2>版本 <span class="en">· versions</span></h2>
<table id="versions"><tr><th>版本 <span class="en">version</span></th><th>时间 <span class="en">when</span></th><th>角色 <span class="en">role</span></th><th>内容 <span class="en">what</span></th><th>变化 <span class="en">diff</span></th><th></th></tr>
{{range .Versions}}<tr data-version="{{.Version}}"><td>{{.Version}}{{if .Current}} ★{{end}}</td><td>{{.CreatedAt.UTC.Format "2006-01-02 15:04Z"}}</td><td>{{.Role}}</td><td>{{if .Note}}{{.Note}}{{else}}{{.Kind}}{{end}}: {{range .Files}}{{.}} {{end}}</td><td>{{.Diff}}</td>
<td>{{if and .Restorable (not .Current)}}<form method="post" action="/admin/rollback" class="inline"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="version" value="{{.Version}}"><button type="submit">回滚到此版本 <span class="en">Roll back to this</span></button></form>{{end}}</td></tr>{{end}}
</table>
{{end}}
{{end}}
</body></html>
`))
