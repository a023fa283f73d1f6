// Package pgtest starts a throwaway PostgreSQL + PostGIS cluster in a
// temporary directory on a free loopback port, and hands each test a fresh
// database. It fails (never skips) when PostgreSQL cannot be started: a test
// that skips in CI proves nothing. `make test` installs postgresql-15-postgis-3.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Cluster is a running throwaway PostgreSQL cluster.
type Cluster struct {
	dir  string
	port int
	bin  string
	run  []string // command prefix to run as the cluster owner
	opts string   // server options, for Restart
}

var dbSeq atomic.Int64

// BinDir finds PostgreSQL's server binaries (PG_BINDIR, else Debian's 15).
func BinDir() (string, error) {
	cands := []string{os.Getenv("PG_BINDIR"), "/usr/lib/postgresql/15/bin"}
	for _, d := range cands {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("pgtest: PostgreSQL 15 server not found (run `make deps`: apt-get install postgresql-15-postgis-3)")
}

// Start initialises and starts a cluster. Call Stop when done.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "layoutmap-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: temp dir: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin}
	// initdb refuses to run as root: run the server as the postgres user.
	if os.Geteuid() == 0 {
		if err := ownByPostgres(dir); err != nil {
			return nil, err
		}
		c.run = []string{"runuser", "-u", "postgres", "--"}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.cmd(ctx, "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %w: %s", err, out)
	}
	for attempt := 0; ; attempt++ {
		c.port, err = freePort()
		if err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=128MB", c.port, dir)
		c.opts = opts
		out, err := c.cmd(ctx, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start").CombinedOutput()
		if err == nil {
			break
		}
		if attempt >= 3 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			return nil, fmt.Errorf("pgtest: pg_ctl start: %w: %s %s", err, out, log)
		}
	}
	if err := c.psql(ctx, "postgres", "CREATE DATABASE template_postgis; "); err != nil {
		c.Stop()
		return nil, err
	}
	if err := c.psql(ctx, "template_postgis", "CREATE EXTENSION postgis;"); err != nil {
		c.Stop()
		return nil, fmt.Errorf("%w (is postgresql-15-postgis-3 installed?)", err)
	}
	return c, nil
}

// ownByPostgres hands dir to the postgres OS user, for a server run as
// postgres when the tests run as root.
func ownByPostgres(dir string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgtest: running as root needs a postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("pgtest: chmod: %w", err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("pgtest: chown: %w", err)
	}
	return nil
}

func (c *Cluster) cmd(ctx context.Context, name string, args ...string) *exec.Cmd {
	full := append(append([]string{}, c.run...), filepath.Join(c.bin, name))
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, full[0], full[1:]...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func (c *Cluster) psql(ctx context.Context, db, sql string) error {
	out, err := c.cmd(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", "-d", db, "-c", sql).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: psql %q: %w: %s", sql, err, out)
	}
	return nil
}

// Port is the cluster's loopback port.
func (c *Cluster) Port() int { return c.port }

// URL is the connection URL of a database on the cluster as superuser.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Exec runs SQL as the superuser in db through psql.
func (c *Cluster) Exec(ctx context.Context, db, sql string) error { return c.psql(ctx, db, sql) }

// NewDatabase creates a fresh database with PostGIS and returns its URL.
func (c *Cluster) NewDatabase(ctx context.Context) (name, url string, err error) {
	name = fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	if err := c.psql(ctx, "postgres", "CREATE DATABASE "+name+" TEMPLATE template_postgis"); err != nil {
		return "", "", err
	}
	return name, c.URL(name), nil
}

// CopySchema loads schema of the database at srcURL on cluster from into
// database db of c, as pg_dump -Fc -n schema | pg_restore does: a test
// that needs a cluster of its own (a replica, an outage) starts from data
// another cluster already loaded, such as a NewDBFrom template's copy,
// instead of loading it again. db must have the extensions the schema
// uses (NewDatabase's template has PostGIS).
func (c *Cluster) CopySchema(ctx context.Context, from *Cluster, srcURL, db, schema string) error {
	src := srcURL[strings.LastIndex(srcURL, "/")+1:]
	src, _, _ = strings.Cut(src, "?")
	dump := from.cmd(ctx, "pg_dump", "-Fc", "-n", schema, "-h", "127.0.0.1", "-p", strconv.Itoa(from.port), "-U", "postgres", "-d", src)
	restore := c.cmd(ctx, "pg_restore", "--exit-on-error", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", "-d", db)
	var dumpErr, restoreErr strings.Builder
	dump.Stderr, restore.Stderr = &dumpErr, &restoreErr
	pipe, err := dump.StdoutPipe()
	if err != nil {
		return fmt.Errorf("pgtest: pg_dump: %w", err)
	}
	restore.Stdin = pipe
	if err := restore.Start(); err != nil {
		return fmt.Errorf("pgtest: pg_restore: %w", err)
	}
	if err := dump.Run(); err != nil {
		_ = restore.Wait()
		return fmt.Errorf("pgtest: pg_dump %s: %w: %s", src, err, dumpErr.String())
	}
	if err := restore.Wait(); err != nil {
		return fmt.Errorf("pgtest: pg_restore into %s: %w: %s", db, err, restoreErr.String())
	}
	return nil
}

// Halt stops the server (fast shutdown: sessions are disconnected) and
// keeps its data, for tests of a database outage; Restart brings it back.
func (c *Cluster) Halt(ctx context.Context) error {
	if out, err := c.cmd(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

// Restart starts a halted server again on the same port; it returns once
// the server accepts connections.
func (c *Cluster) Restart(ctx context.Context) error {
	out, err := c.cmd(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-o", c.opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl start: %w: %s", err, out)
	}
	return nil
}

// Freeze stops (SIGSTOP) the server and every backend: connections stay
// open and nothing answers, like a host that hangs. Thaw resumes them.
func (c *Cluster) Freeze() error { return c.signalAll(syscall.SIGSTOP) }

// Thaw resumes a frozen server (SIGCONT).
func (c *Cluster) Thaw() error { return c.signalAll(syscall.SIGCONT) }

// signalAll signals the postmaster, then each of its children (every
// PostgreSQL process calls setsid, so there is no one group to signal).
func (c *Cluster) signalAll(sig syscall.Signal) error {
	b, err := os.ReadFile(filepath.Join(c.dir, "data", "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("pgtest: postmaster.pid: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return fmt.Errorf("pgtest: postmaster.pid: %w", err)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		return fmt.Errorf("pgtest: signal %v to postmaster %d: %w", sig, pid, err)
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return fmt.Errorf("pgtest: listing processes: %w", err)
	}
	for _, p := range procs {
		child, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			_ = syscall.Kill(child, sig) // a backend may exit meanwhile
		}
	}
	return nil
}

// StartStandby makes a streaming replica of c, the way an operator
// would: pg_basebackup -R (which writes standby.signal and
// primary_conninfo) into a new directory, then a hot standby on its own
// free loopback port. The standby is read-only; what c commits reaches it
// by WAL streaming after a short lag. Call Stop on it when done.
func (c *Cluster) StartStandby(ctx context.Context) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "layoutmap-pg-standby-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: temp dir: %w", err)
	}
	s := &Cluster{dir: dir, bin: c.bin, run: c.run}
	if len(c.run) > 0 { // the server runs as postgres, who must own the directory
		if err := ownByPostgres(dir); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := s.cmd(ctx, "pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast",
		"-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres").CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: pg_basebackup: %w: %s", err, out)
	}
	if s.port, err = freePort(); err != nil {
		return nil, err
	}
	s.opts = fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c hot_standby=on -c max_connections=200 -c shared_buffers=128MB", s.port, dir)
	if err := s.Restart(ctx); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		s.Stop()
		return nil, fmt.Errorf("%w %s", err, log)
	}
	return s, nil
}

// Stop stops the cluster and removes its directory.
func (c *Cluster) Stop() {
	_ = c.Thaw() // a frozen server would not stop
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = c.cmd(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop").Run()
	_ = os.RemoveAll(c.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
)

// Shared starts one cluster per test binary on first use. Tests call
// StopShared from TestMain after m.Run, or let Main do both.
func Shared() (*Cluster, error) {
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared, sharedErr = Start(ctx)
	})
	return shared, sharedErr
}

// StopShared stops the shared cluster, if started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Main is a whole TestMain for packages that use the shared cluster: it
// runs the tests, stops the cluster and exits with the tests' code
// (os.Exit skips deferred calls, so StopShared cannot simply be deferred).
// m is a *testing.M.
func Main(m interface{ Run() int }) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// TB is the part of testing.TB pgtest needs.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Context() context.Context
}

// NewDB returns the URL of a fresh PostGIS database on the shared cluster,
// failing the test if PostgreSQL cannot run.
func NewDB(t TB) string {
	t.Helper()
	c, err := Shared()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	_, url, err := c.NewDatabase(t.Context())
	if err != nil {
		t.Fatalf("%v", err)
	}
	return url
}

// ReaderURL creates a login role that may only CONNECT to the database of
// url, USE schema and SELECT from its tables (what serving needs, see
// docs/postgis.md) and returns url with that role as the user. The grants
// are the documented ones, so a test through this URL proves them enough.
func ReaderURL(t TB, url, schema string) string {
	t.Helper()
	c, err := Shared()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	reader, err := c.ReaderURL(t.Context(), url, schema)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return reader
}

// ReaderURL creates, on this cluster, a role holding only CONNECT on the
// database of url, USAGE on schema and SELECT on its tables, and returns
// url for that role.
func (c *Cluster) ReaderURL(ctx context.Context, url, schema string) (string, error) {
	db := url[strings.LastIndex(url, "/")+1:]
	db, _, _ = strings.Cut(db, "?")
	role := db + "_reader"
	sql := fmt.Sprintf(`CREATE ROLE %[1]s LOGIN;
		REVOKE ALL ON DATABASE %[2]s FROM PUBLIC;
		REVOKE CREATE ON SCHEMA public FROM PUBLIC;
		GRANT CONNECT ON DATABASE %[2]s TO %[1]s;
		GRANT USAGE ON SCHEMA %[3]s TO %[1]s;
		GRANT SELECT ON ALL TABLES IN SCHEMA %[3]s TO %[1]s;`, role, db, schema)
	if err := c.psql(ctx, db, sql); err != nil {
		return "", err
	}
	return strings.Replace(url, "postgres://postgres@", "postgres://"+role+"@", 1), nil
}

// templates holds, per key, the name of a database built once per test
// binary by NewDBFrom's setup, or the error that building it gave.
var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
)

type template struct {
	once   sync.Once
	copyMu sync.Mutex
	name   string
	err    error
}

// NewDBFrom returns the URL of a fresh database that is a copy of one built
// once per test binary and key by setup (which receives the template
// database's URL and must close every connection to it before returning:
// CREATE DATABASE … TEMPLATE refuses a template in use). Copying a loaded
// database takes a fraction of a second where loading it again takes
// seconds, so tests that all start from the same data use this.
func NewDBFrom(t TB, key string, setup func(ctx context.Context, url string) error) string {
	t.Helper()
	c, err := Shared()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	templatesMu.Lock()
	tpl, ok := templates[key]
	if !ok {
		tpl = &template{}
		templates[key] = tpl
	}
	templatesMu.Unlock()
	tpl.once.Do(func() {
		// The template outlives the test that happened to build it, so it
		// is not built under that test's context.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		var url string
		tpl.name, url, tpl.err = c.NewDatabase(ctx)
		if tpl.err == nil {
			tpl.err = setup(ctx, url)
		}
		if tpl.err != nil {
			tpl.err = fmt.Errorf("pgtest: building template %q: %w", key, tpl.err)
		}
	})
	if tpl.err != nil {
		t.Fatalf("%v", tpl.err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	// Serialised: two CREATE DATABASE from one template at once fail with
	// "source database is being accessed by other users".
	tpl.copyMu.Lock()
	defer tpl.copyMu.Unlock()
	if err := c.psql(t.Context(), "postgres", "CREATE DATABASE "+name+" TEMPLATE "+tpl.name); err != nil {
		t.Fatalf("%v", err)
	}
	return c.URL(name)
}
