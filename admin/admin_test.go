package admin

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/data/synth"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const testPassword = "correct horse battery"

// client keeps cookies between requests to the app, like a browser.
type client struct {
	t       *testing.T
	app     *fiber.App
	cookies map[string]string
}

func (c *client) do(req *http.Request) (int, string) {
	c.t.Helper()
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.app.Test(req, 120_000)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

func (c *client) get(path string) (int, string) {
	return c.do(httptest.NewRequest("GET", path, nil))
}

func (c *client) post(path string, form url.Values) (int, string) {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) upload(csrf, name string, body []byte) (int, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", csrf)
	w.WriteField("encoding", "auto")
	f, _ := w.CreateFormFile("file", name)
	f.Write(body)
	w.Close()
	req := httptest.NewRequest("POST", "/admin/check", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

var (
	reLoginToken = regexp.MustCompile(`name="login_token" value="([0-9a-f]+)"`)
	reCSRF       = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
	reUpload     = regexp.MustCompile(`name="upload" value="([0-9a-f]+)"`)
)

func newApp(t *testing.T, writeURL string) *fiber.App {
	t.Helper()
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	// Like api.New: every request's context has a short deadline; imports
	// and rollbacks must not be bound by it.
	app.Use(func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	})
	Routes(Config{PasswordHash: hash, WriteURL: writeURL, UploadDir: t.TempDir(), LoginLimit: 3, LoginWindow: time.Minute})(app)
	return app
}

func (c *client) login(password string) (int, string) {
	c.t.Helper()
	_, page := c.get("/admin/")
	m := reLoginToken.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no login form: %s", page)
	}
	return c.post("/admin/login", url.Values{"login_token": {m[1]}, "password": {password}})
}

// Security: no session → 401, missing or wrong CSRF → 403, wrong
// passwords rate limited, and the cookie flags.
func TestSecurity(t *testing.T) {
	app := newApp(t, "")
	c := &client{t: t, app: app, cookies: map[string]string{}}
	if s, _ := c.post("/admin/check", url.Values{"csrf": {"x"}}); s != http.StatusUnauthorized {
		t.Fatalf("check without session: %d, want 401", s)
	}
	if s, _ := c.post("/admin/rollback", url.Values{"version": {"1"}}); s != http.StatusUnauthorized {
		t.Fatalf("rollback without session: %d, want 401", s)
	}
	// The login form itself needs its token.
	if s, _ := c.post("/admin/login", url.Values{"password": {testPassword}}); s != http.StatusForbidden {
		t.Fatalf("login without its token: %d, want 403", s)
	}
	if s, _ := c.login("wrong password!"); s != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d, want 401", s)
	}
	s, _ := c.login(testPassword)
	if s != http.StatusSeeOther || c.cookies[cookieSession] == "" {
		t.Fatalf("login: %d, cookies %v", s, c.cookies)
	}
	_, page := c.get("/admin/")
	// The templates are the shipped ones (the upload form links them).
	for _, name := range []string{"revenue_template.csv", "revenue_template.xlsx"} {
		href := "/admin/templates/" + name
		s, body := c.get(href)
		want, err := os.ReadFile(filepath.Join("..", "docs", "templates", name))
		if err != nil {
			t.Fatal(err)
		}
		if s != http.StatusOK || (strings.HasSuffix(name, ".csv") && body != string(want)) || len(body) == 0 {
			t.Errorf("GET %s: %d, %d bytes; want 200 with the shipped template (%d bytes)", href, s, len(body), len(want))
		}
	}
	if !strings.Contains(page, `id="needs-postgis"`) {
		t.Fatalf("embedded mode: the page does not say it needs PostGIS:\n%s", page)
	}
	csrf := reCSRF.FindStringSubmatch(page)[1]
	if s, _ := c.post("/admin/rollback", url.Values{"version": {"1"}}); s != http.StatusForbidden {
		t.Fatalf("rollback without CSRF token: %d, want 403", s)
	}
	if s, _ := c.post("/admin/rollback", url.Values{"version": {"1"}, "csrf": {strings.Repeat("0", 64)}}); s != http.StatusForbidden {
		t.Fatalf("rollback with a wrong CSRF token: %d, want 403", s)
	}
	if s, _ := c.post("/admin/rollback", url.Values{"version": {"1"}, "csrf": {csrf}}); s != http.StatusServiceUnavailable {
		t.Fatalf("rollback in embedded mode: %d, want 503", s)
	}
	// An upload over the server's 4 MB body limit is refused before the
	// handler runs (a 200 MB CSV the same way).
	// (app.Test cannot send it, so through a real listener.)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()
	var big bytes.Buffer
	mw := multipart.NewWriter(&big)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "big.csv")
	fw.Write(bytes.Repeat([]byte("G411162,2021,1,m,exact,,s\n"), MaxUpload/26+1000))
	mw.Close()
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/admin/check", &big)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: cookieSession, Value: c.cookies[cookieSession]})
	// The server answers 413 and closes; a client still sending may see
	// the reset first. Either way the upload was refused unread.
	res, err := http.DefaultClient.Do(req)
	switch {
	case err != nil && !strings.Contains(err.Error(), "connection reset"):
		t.Fatalf("upload over the limit: %v, want 413 or a reset", err)
	case err == nil:
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("upload over the limit: %d, want 413", res.StatusCode)
		}
	}
	// Cookie flags.
	res, err = app.Test(httptest.NewRequest("GET", "/admin/", nil))
	if err != nil {
		t.Fatal(err)
	}
	sc := res.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "secure", "SameSite=Strict", "path=/admin"} {
		if !strings.Contains(strings.ToLower(sc), strings.ToLower(want)) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	// Rate limit: 3 failed logins per minute per address (all test
	// requests come from one); the two above count, the successful one
	// does not.
	other := &client{t: t, app: app, cookies: map[string]string{}}
	if s, _ := other.login("nope nope nope"); s != http.StatusUnauthorized {
		t.Fatalf("third failed login: %d", s)
	}
	if s, body := other.login(testPassword); s != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed logins") {
		t.Fatalf("login after 3 failures: %d, want 429", s)
	}
}

// The upload flow on a real PostGIS: check (report, nothing changes),
// confirm (new version), roll back from the page; a broken upload gets a
// clear report and changes nothing.
func TestUploadFlow(t *testing.T) {
	ctx := t.Context()
	url0 := pgtest.NewDBFrom(t, "admin-bundled", func(ctx context.Context, url string) error {
		if _, err := postgis.Migrate(ctx, url); err != nil {
			return err
		}
		ds, err := henan.Load()
		if err != nil {
			return err
		}
		_, err = postgis.ImportDataset(ctx, url, func(_ *data.Dataset) (*data.Dataset, error) { return ds, nil }, postgis.ImportOptions{})
		return err
	})
	c := &client{t: t, app: newApp(t, url0), cookies: map[string]string{}}
	if s, _ := c.login(testPassword); s != http.StatusSeeOther {
		t.Fatalf("login: %d", s)
	}
	_, page := c.get("/admin/")
	for _, href := range []string{"/admin/templates/revenue_template.csv", "/admin/templates/revenue_template.xlsx"} {
		if !strings.Contains(page, `href="`+href+`"`) {
			t.Errorf("the upload form does not link %s", href)
		}
	}
	csrf := reCSRF.FindStringSubmatch(page)[1]

	// Wrong encoding (GBK bytes that are not UTF-8, forced as UTF-8 is not
	// possible from the form, so: a UTF-16 file) and a zip bomb-like
	// non-workbook: clear errors, nothing changes.
	s, page := c.upload(csrf, "r.csv", []byte{0xFF, 0xFE, 'z', 0, 'o', 0})
	if s != http.StatusUnprocessableEntity || !strings.Contains(page, "UTF-16") {
		t.Fatalf("UTF-16 upload: %d\n%s", s, page)
	}
	s, page = c.upload(csrf, "r.xlsx", append([]byte("PK\x03\x04"), make([]byte, 100)...))
	if s != http.StatusUnprocessableEntity || !strings.Contains(page, "not an .xlsx workbook") {
		t.Fatalf("broken xlsx upload: %d\n%s", s, page)
	}
	if v, _ := postgis.Versions(ctx, url0); len(v) != 1 {
		t.Fatalf("a failed upload changed the history: %+v", v)
	}

	csv := "\uFEFF开发区,年份,营业收入（亿元）,口径,来源\nG411162,2022,800,营业收入,synthetic test figure, not a published statistic\n"
	csv = strings.Replace(csv, "synthetic test figure, not a published statistic", `"synthetic test figure, not a published statistic"`, 1)
	s, page = c.upload(csrf, "revenue_2022.csv", []byte(csv))
	if s != http.StatusOK || !strings.Contains(page, "figures +1 ~0 −0") || !strings.Contains(page, "800 亿元 (exact)") {
		t.Fatalf("check: %d\n%s", s, page)
	}
	if v, _ := postgis.Versions(ctx, url0); len(v) != 1 {
		t.Fatal("the check changed the database")
	}
	up := reUpload.FindStringSubmatch(page)[1]
	if s, _ := c.post("/admin/confirm", url.Values{"upload": {up}}); s != http.StatusForbidden {
		t.Fatalf("confirm without CSRF: %d, want 403", s)
	}
	s, page = c.post("/admin/confirm", url.Values{"upload": {up}, "csrf": {csrf}})
	if s != http.StatusOK || !strings.Contains(page, "Imported as dataset version 2") {
		t.Fatalf("confirm: %d\n%s", s, page)
	}
	vs, _ := postgis.Versions(ctx, url0)
	if len(vs) != 2 || vs[0].Files[0] != "revenue_2022.csv" {
		t.Fatalf("versions %+v", vs)
	}
	// The same upload cannot be confirmed twice.
	if s, _ := c.post("/admin/confirm", url.Values{"upload": {up}, "csrf": {csrf}}); s != http.StatusBadRequest {
		t.Fatalf("second confirm: %d, want 400", s)
	}
	s, page = c.post("/admin/rollback", url.Values{"version": {"1"}, "csrf": {csrf}})
	if s != http.StatusOK || !strings.Contains(page, "Rolled back to version 1, now dataset version 3") {
		t.Fatalf("rollback: %d\n%s", s, page)
	}
	// Logged out, the page asks for the password again.
	c.post("/admin/logout", url.Values{"csrf": {csrf}})
	if s, _ := c.post("/admin/rollback", url.Values{"version": {"2"}, "csrf": {csrf}}); s != http.StatusUnauthorized {
		t.Fatalf("after logout: %d, want 401", s)
	}
}

// A zones upload over a stored enterprise list says, on the check page,
// how many enterprises are linked to zones it removes or changes and to
// import the list again (a zone import does not re-link the list).
func TestZoneUploadWarnsOfEnterpriseLinks(t *testing.T) {
	ctx := t.Context()
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	url0 := pgtest.NewDBFrom(t, "admin-bundled", func(ctx context.Context, url string) error {
		if _, err := postgis.Migrate(ctx, url); err != nil {
			return err
		}
		_, err = postgis.ImportDataset(ctx, url, func(_ *data.Dataset) (*data.Dataset, error) { return ds, nil }, postgis.ImportOptions{})
		return err
	})
	var list bytes.Buffer
	if err := synth.Enterprises(ds, 500, 1, &list); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "enterprises.csv")
	if err := os.WriteFile(path, list.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Run(ctx, url0, importer.Options{EnterprisesFile: path}); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, app: newApp(t, url0), cookies: map[string]string{}}
	if s, _ := c.login(testPassword); s != http.StatusSeeOther {
		t.Fatalf("login: %d", s)
	}
	_, page := c.get("/admin/")
	csrf := reCSRF.FindStringSubmatch(page)[1]
	zones, err := os.ReadFile("../data/importer/testdata/zones.geojson")
	if err != nil {
		t.Fatal(err)
	}
	s, page := c.upload(csrf, "zones.geojson", zones)
	if s != http.StatusOK || !strings.Contains(page, `id="enterprise-links"`) ||
		!regexp.MustCompile(`stored enterprise list \(500 enterprises\) keeps the zone links and city/county codes resolved against dataset version 2: [1-9][0-9]* are linked to zones this import removes`).MatchString(page) ||
		!strings.Contains(page, "请重新导入企业名录") {
		t.Fatalf("zones check over a stored list: %d\n%s", s, page)
	}
}
