package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"golang.org/x/crypto/bcrypt"

	"layoutmap/data"
	"layoutmap/data/importer"
	"layoutmap/data/postgis"
)

const (
	cookieSession = "layoutmap_admin"
	cookieLogin   = "layoutmap_admin_login" // double-submit token of the login form
	// MaxUpload is the largest upload accepted; larger bodies are refused
	// by the server's body limit (413) before this page sees them.
	MaxUpload = 4 << 20
)

type handler struct {
	cfg      Config
	sessions *sessions
	log      *slog.Logger
	mu       sync.Mutex
	uploads  map[string]upload // id → file waiting for confirmation
}

// upload is a checked file waiting for confirmation.
type upload struct {
	path, name, kind, encoding, session string
	expectRows                          int
}

// Routes returns the route hook (for api.Config.Extra) mounting /admin,
// or nil when no password hash is configured (the page is off).
func Routes(cfg Config) func(app *fiber.App) {
	if len(cfg.PasswordHash) == 0 {
		return nil
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * time.Minute
	}
	if cfg.LoginLimit <= 0 {
		cfg.LoginLimit = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.UploadDir == "" {
		cfg.UploadDir = os.TempDir()
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &handler{cfg: cfg, log: log, sessions: &sessions{m: map[string]*session{}, ttl: cfg.SessionTTL}, uploads: map[string]upload{}}
	return func(app *fiber.App) {
		g := app.Group("/admin")
		g.Get("/", h.index)
		// The templates hold no data: anyone who reaches the page may take them.
		g.Get("/templates/revenue_template.csv", h.templateCSV)
		g.Get("/templates/revenue_template.xlsx", h.templateXLSX)
		g.Post("/login", limiter.New(limiter.Config{
			Max: cfg.LoginLimit, Expiration: cfg.LoginWindow, SkipSuccessfulRequests: true,
			KeyGenerator: func(c *fiber.Ctx) string { return c.IP() },
			LimitReached: func(c *fiber.Ctx) error {
				h.audit(c, "login_rate_limited")
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(cfg.LoginWindow.Seconds())))
				return h.page(c, fiber.StatusTooManyRequests, pageData{Error: "登录失败次数过多，请稍后再试。 Too many failed logins; try again later."})
			},
		}), h.login)
		g.Post("/logout", h.authed(h.logout))
		g.Post("/check", h.authed(h.check))
		g.Post("/confirm", h.authed(h.confirm))
		g.Post("/rollback", h.authed(h.rollback))
	}
}

// templateCSV serves the bilingual revenue template (UTF-8 with BOM, so
// Excel opens the Chinese headers right).
func (h *handler) templateCSV(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="revenue_template.csv"`)
	return c.Send(importer.RevenueTemplateCSV())
}

// templateXLSX serves the bilingual revenue template as an Excel workbook.
func (h *handler) templateXLSX(c *fiber.Ctx) error {
	b, err := importer.RevenueTemplateXLSX()
	if err != nil {
		return fmt.Errorf("admin: revenue template: %w", err)
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="revenue_template.xlsx"`)
	return c.Send(b)
}

// OperationTimeout bounds a check, import or rollback started from the
// page. It runs detached from the request's own deadline (the API's
// --request-timeout is for reads; a whole-dataset import takes longer) and
// from a client that goes away: the transaction either commits or rolls
// back, never half.
const OperationTimeout = 10 * time.Minute

func operation(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.UserContext()), OperationTimeout)
}

func (h *handler) audit(c *fiber.Ctx, event string, args ...any) {
	h.log.Info("admin audit", append([]any{"audit", true, "event", event, "ip", c.IP()}, args...)...)
}

func (h *handler) setCookie(c *fiber.Ctx, name, value string, maxAge int) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/admin", HTTPOnly: true, Secure: true,
		SameSite: fiber.CookieSameSiteStrictMode, MaxAge: maxAge})
}

// authed requires a session (401) and its CSRF token (403).
func (h *handler) authed(next func(*fiber.Ctx, *session) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s := h.sessions.get(c.Cookies(cookieSession))
		if s == nil {
			c.Set(fiber.HeaderWWWAuthenticate, `Form realm="layoutmap admin"`)
			return h.page(c, fiber.StatusUnauthorized, pageData{Error: "请先登录。 Please log in first.", Login: h.loginToken(c)})
		}
		if !equalToken(c.FormValue("csrf"), s.csrf) {
			h.audit(c, "csrf_rejected", "path", c.Path())
			return h.page(c, fiber.StatusForbidden, pageData{Error: "表单已过期或无效（CSRF），请从本页重新提交。 The form is stale or invalid (CSRF); submit it again from this page."})
		}
		return next(c, s)
	}
}

// loginToken sets and returns the double-submit token of the login form.
func (h *handler) loginToken(c *fiber.Ctx) string {
	t := token()
	h.setCookie(c, cookieLogin, t, 3600)
	return t
}

func (h *handler) index(c *fiber.Ctx) error {
	s := h.sessions.get(c.Cookies(cookieSession))
	if s == nil {
		return h.page(c, fiber.StatusOK, pageData{Login: h.loginToken(c)})
	}
	return h.dashboard(c, s, fiber.StatusOK, pageData{})
}

func (h *handler) dashboard(c *fiber.Ctx, s *session, status int, d pageData) error {
	d.CSRF, d.LoggedIn, d.NoDatabase = s.csrf, true, h.cfg.WriteURL == ""
	if !d.NoDatabase && d.Versions == nil {
		// The request's own deadline may have passed during an import.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), 10*time.Second)
		defer cancel()
		vs, err := postgis.Versions(ctx, h.cfg.WriteURL)
		if err != nil {
			d.Error = strings.TrimSpace(d.Error + " 无法读取版本列表 / cannot list versions: " + err.Error())
		}
		d.Versions = vs
	}
	return h.page(c, status, d)
}

func (h *handler) login(c *fiber.Ctx) error {
	if !equalToken(c.FormValue("login_token"), c.Cookies(cookieLogin)) {
		h.audit(c, "csrf_rejected", "path", c.Path())
		return h.page(c, fiber.StatusForbidden, pageData{Error: "登录表单已过期，请重试。 The login form expired; try again.", Login: h.loginToken(c)})
	}
	if bcrypt.CompareHashAndPassword(h.cfg.PasswordHash, []byte(c.FormValue("password"))) != nil {
		h.audit(c, "login_failed")
		c.Set(fiber.HeaderWWWAuthenticate, `Form realm="layoutmap admin"`)
		return h.page(c, fiber.StatusUnauthorized, pageData{Error: "密码错误。 Wrong password.", Login: h.loginToken(c)})
	}
	id, _ := h.sessions.create()
	h.setCookie(c, cookieSession, id, int(h.cfg.SessionTTL.Seconds()))
	h.setCookie(c, cookieLogin, "", -1)
	h.audit(c, "login")
	return c.Redirect("/admin/", fiber.StatusSeeOther)
}

func (h *handler) logout(c *fiber.Ctx, _ *session) error {
	h.sessions.drop(c.Cookies(cookieSession))
	h.setCookie(c, cookieSession, "", -1)
	h.audit(c, "logout")
	return c.Redirect("/admin/", fiber.StatusSeeOther)
}

var errNeedsPostGIS = errors.New("此页面需要 PostGIS 数据库（--database-url 与 --write-database-url）。 This page needs a PostGIS database (--database-url and --write-database-url); the embedded dataset cannot be changed")

// options are the import options of an upload.
func (h *handler) options(u upload) importer.Options {
	o := importer.Options{Encoding: u.encoding, ExpectRows: u.expectRows, KeepVersions: h.cfg.KeepVersions}
	if u.kind == "zones" {
		o.ZonesFile = u.path
	} else {
		o.RevenueFile = u.path
	}
	return o
}

func (h *handler) check(c *fiber.Ctx, s *session) error {
	if h.cfg.WriteURL == "" {
		return h.dashboard(c, s, fiber.StatusServiceUnavailable, pageData{Error: errNeedsPostGIS.Error()})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return h.dashboard(c, s, fiber.StatusBadRequest, pageData{Error: "请选择文件。 Choose a file to upload."})
	}
	name := filepath.Base(fh.Filename)
	u := upload{name: name, kind: "revenue", encoding: c.FormValue("encoding"), session: c.Cookies(cookieSession)}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".geojson", ".json":
		u.kind = "zones"
	case ".xlsx", ".csv", ".txt":
	default:
		return h.dashboard(c, s, fiber.StatusBadRequest, pageData{Error: fmt.Sprintf("%s：只接受 .xlsx、.csv（营业收入表）或 .geojson（开发区）。 Only .xlsx, .csv (revenue table) or .geojson (zones) files are accepted.", name)})
	}
	if v := strings.TrimSpace(c.FormValue("expect_rows")); v != "" {
		if u.expectRows, err = strconv.Atoi(v); err != nil || u.expectRows < 0 {
			return h.dashboard(c, s, fiber.StatusBadRequest, pageData{Error: "预期行数必须是非负整数。 Expected rows must be a whole number ≥ 0."})
		}
	}
	dir, err := os.MkdirTemp(h.cfg.UploadDir, "layoutmap-upload-")
	if err != nil {
		return fmt.Errorf("admin: saving upload: %w", err)
	}
	u.path = filepath.Join(dir, name)
	if err := c.SaveFile(fh, u.path); err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("admin: saving upload: %w", err)
	}
	ctx, cancel := operation(c)
	defer cancel()
	o := h.options(u)
	o.DryRun = true
	rep, err := importer.Run(ctx, h.cfg.WriteURL, o)
	h.audit(c, "check", "file", name, "ok", err == nil)
	d := pageData{Report: reportOf(rep, err), File: name}
	if err != nil {
		os.RemoveAll(dir)
		return h.dashboard(c, s, fiber.StatusUnprocessableEntity, d)
	}
	id := token()
	h.mu.Lock()
	h.uploads[id] = u
	h.mu.Unlock()
	d.Upload = id
	return h.dashboard(c, s, fiber.StatusOK, d)
}

func (h *handler) confirm(c *fiber.Ctx, s *session) error {
	h.mu.Lock()
	u, ok := h.uploads[c.FormValue("upload")]
	if ok && u.session == c.Cookies(cookieSession) {
		delete(h.uploads, c.FormValue("upload"))
	}
	h.mu.Unlock()
	if !ok || u.session != c.Cookies(cookieSession) {
		return h.dashboard(c, s, fiber.StatusBadRequest, pageData{Error: "找不到待确认的上传，请重新上传。 No upload waiting for confirmation; upload the file again."})
	}
	defer os.RemoveAll(filepath.Dir(u.path))
	ctx, cancel := operation(c)
	defer cancel()
	rep, err := importer.Run(ctx, h.cfg.WriteURL, h.options(u))
	h.audit(c, "import", "file", u.name, "ok", err == nil, "version", rep.Version)
	d := pageData{Report: reportOf(rep, err), File: u.name}
	if err != nil {
		return h.dashboard(c, s, fiber.StatusUnprocessableEntity, d)
	}
	d.Done = fmt.Sprintf("已导入为数据版本 %d。 Imported as dataset version %d.", rep.Version, rep.Version)
	return h.dashboard(c, s, fiber.StatusOK, d)
}

func (h *handler) rollback(c *fiber.Ctx, s *session) error {
	if h.cfg.WriteURL == "" {
		return h.dashboard(c, s, fiber.StatusServiceUnavailable, pageData{Error: errNeedsPostGIS.Error()})
	}
	v, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || v < 1 {
		return h.dashboard(c, s, fiber.StatusBadRequest, pageData{Error: "版本号无效。 Invalid version number."})
	}
	ctx, cancel := operation(c)
	defer cancel()
	rep, err := postgis.Rollback(ctx, h.cfg.WriteURL, v, postgis.ImportOptions{KeepVersions: h.cfg.KeepVersions})
	h.audit(c, "rollback", "to", v, "ok", err == nil, "version", rep.Version)
	if err != nil {
		return h.dashboard(c, s, fiber.StatusUnprocessableEntity, pageData{Error: "回滚失败 / rollback failed: " + err.Error()})
	}
	return h.dashboard(c, s, fiber.StatusOK, pageData{Report: reportOf(rep, nil),
		Done: fmt.Sprintf("已回滚到版本 %d，现为数据版本 %d。 Rolled back to version %d, now dataset version %d.", v, rep.Version, v, rep.Version)})
}

// report is an import report as the page shows it.
type report struct {
	OK       bool
	Error    string
	Rejected []data.Problem
	Repaired []data.Problem
	Diff     *data.Diff
	Counts   map[string]int
	// EnterpriseLinks: the stored enterprise list's links the import
	// leaves as they were (import the list again).
	EnterpriseLinks *postgis.EnterpriseLinks
}

func reportOf(rep postgis.ImportReport, err error) *report {
	r := &report{OK: err == nil, Repaired: rep.Repaired, Diff: rep.Diff, Counts: rep.Counts, EnterpriseLinks: rep.EnterpriseLinks}
	var rej *postgis.RejectedError
	switch {
	case errors.As(err, &rej):
		r.Rejected = rej.Rejected
	case err != nil:
		r.Error = err.Error()
	}
	return r
}

func (h *handler) page(c *fiber.Ctx, status int, d pageData) error {
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		return fmt.Errorf("admin: rendering: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set("X-Frame-Options", "DENY")
	return c.Status(status).Send(buf.Bytes())
}
