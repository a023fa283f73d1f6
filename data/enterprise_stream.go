package data

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"layoutmap/geo"
)

// EnterpriseStream resolves an enterprise list while it is read, by the
// rules of ResolveEnterprises and with its answer: Add takes the rows in
// file order, a chunk at a time, and GOMAXPROCS workers check and place
// each chunk while the reader reads the next; Finish finds the duplicates
// and sorts by id. Rows given to Add are the stream's and are dropped once
// resolved; the enterprises keep none of their strings (ids and names are
// copied into one block per chunk, codes, sources and chain lists are
// interned), so the lines of the file are freed while it is read: a list
// never exists twice, once as read and once resolved (at a million rows
// that was half of the start-up's peak memory, docs/performance.md).
//
// One goroutine calls Hint, Add and Finish; Finish must be called (also
// after a read error) to stop the workers.
type EnterpriseStream struct {
	pl    *Placer
	tax   map[string]taxRef
	zones map[string]zoneRef

	// res and bad are by row number (the order of Add): the resolved
	// enterprise (zero for a refused row) and whether it was refused.
	res []geo.Enterprise
	bad []bool
	n   int

	jobs     chan streamJob
	workers  sync.WaitGroup
	inFlight sync.WaitGroup

	mu     sync.Mutex
	probs  []rowProblem // problems of single rows
	wheres []whereBlock // each chunk's row names, for the duplicates
}

type streamJob struct {
	base int
	rows []EnterpriseIn
	res  []geo.Enterprise
	bad  []bool
}

// rowProblem is a problem and its row number, to put the problems in row
// order.
type rowProblem struct {
	row int
	p   Problem
}

// whereBlock holds the Where of each row of the chunk starting at row
// base: row base+i is s[end[i-1]:end[i]].
type whereBlock struct {
	base int
	s    string
	end  []uint32
}

// NewEnterpriseStream starts a stream resolving against ds (pl its placer).
func NewEnterpriseStream(ds *Dataset, pl *Placer) *EnterpriseStream {
	st := &EnterpriseStream{pl: pl, tax: map[string]taxRef{}, zones: map[string]zoneRef{}}
	st.tax = taxonomyRefs(ds.Taxonomy)
	for _, z := range ds.Zones {
		st.zones[z.ID] = zoneRef{z.ID, z.GeomQuality}
	}
	workers := runtime.GOMAXPROCS(0)
	st.jobs = make(chan streamJob, workers)
	for range workers {
		st.workers.Add(1)
		go st.work()
	}
	return st
}

// Hint says how many rows the list is expected to hold, so that the
// resolved table is allocated once (growing a million rows by appending
// copies them and holds old and new arrays together). Call it before Add.
func (st *EnterpriseStream) Hint(rows int) {
	if st.n == 0 && rows > len(st.res) {
		st.res, st.bad = make([]geo.Enterprise, rows), make([]bool, rows)
	}
}

// Add hands the next rows of the list to the workers; rows are the
// stream's from now on.
func (st *EnterpriseStream) Add(rows []EnterpriseIn) {
	if len(rows) == 0 {
		return
	}
	if st.n+len(rows) > len(st.res) {
		// More rows than hinted: wait until no worker writes into the
		// table, then move it.
		st.inFlight.Wait()
		grow := max(st.n+len(rows), 2*len(st.res), resolveChunk)
		res, bad := make([]geo.Enterprise, grow), make([]bool, grow)
		copy(res, st.res[:st.n])
		copy(bad, st.bad[:st.n])
		st.res, st.bad = res, bad
	}
	end := st.n + len(rows)
	st.inFlight.Add(1)
	st.jobs <- streamJob{base: st.n, rows: rows, res: st.res[st.n:end:end], bad: st.bad[st.n:end:end]}
	st.n = end
}

// Rows is how many rows were added.
func (st *EnterpriseStream) Rows() int { return st.n }

// resolveWorker is one worker's interning state (sources and chain lists).
type resolveWorker struct {
	strs  map[string]string
	lists map[string][]string
	key   []byte
}

func (w *resolveWorker) in(s string) string {
	if v, ok := w.strs[s]; ok {
		return v
	}
	w.strs[s] = s
	return s
}

// list returns the first list equal to l this worker saw (nil for an empty
// one): an enterprise's chains and clusters are never modified, and a list
// has a few hundred distinct chain lists.
func (w *resolveWorker) list(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	w.key = w.key[:0]
	for _, s := range l {
		w.key = append(append(w.key, s...), 0)
	}
	if v, ok := w.lists[string(w.key)]; ok {
		return v
	}
	w.lists[string(w.key)] = l
	return l
}

func (st *EnterpriseStream) work() {
	defer st.workers.Done()
	w := &resolveWorker{strs: map[string]string{}, lists: map[string][]string{}}
	for j := range st.jobs {
		st.resolve(w, j)
		st.inFlight.Done()
	}
}

// resolve resolves one chunk into its part of the table.
func (st *EnterpriseStream) resolve(w *resolveWorker, j streamJob) {
	var probs []rowProblem
	whereLen := 0
	for i := range j.rows {
		whereLen += len(j.rows[i].Where)
	}
	var wb strings.Builder
	wb.Grow(whereLen)
	ends := make([]uint32, len(j.rows))
	size := 0
	for i := range j.rows {
		r := &j.rows[i]
		wb.WriteString(r.Where)
		ends[i] = uint32(wb.Len())
		e, why := resolveOne(r, st.pl, st.tax, st.zones, w.in)
		if why != "" {
			j.bad[i] = true
			probs = append(probs, rowProblem{j.base + i, Problem{Where: r.Where, Reason: why}})
			continue
		}
		e.Chains, e.Clusters = w.list(e.Chains), w.list(e.Clusters)
		size += len(e.ID) + len(e.Name) + len(e.NameEN)
		if e.CreditCode != e.ID {
			size += len(e.CreditCode)
		}
		j.res[i] = e
	}
	// The ids and names are slices of the lines read; copy them into one
	// block so that the lines can go.
	var b strings.Builder
	b.Grow(size)
	for i := range j.res {
		if e := &j.res[i]; !j.bad[i] {
			b.WriteString(e.ID)
			if e.CreditCode != e.ID {
				b.WriteString(e.CreditCode)
			}
			b.WriteString(e.Name)
			b.WriteString(e.NameEN)
		}
	}
	block, off := b.String(), 0
	take := func(s string) string {
		t := block[off : off+len(s)]
		off += len(s)
		return t
	}
	for i := range j.res {
		if e := &j.res[i]; !j.bad[i] {
			sameCode := e.CreditCode == e.ID
			e.ID = take(e.ID)
			if sameCode {
				e.CreditCode = e.ID
			} else {
				e.CreditCode = take(e.CreditCode)
			}
			e.Name, e.NameEN = take(e.Name), take(e.NameEN)
		}
	}
	st.mu.Lock()
	st.probs = append(st.probs, probs...)
	st.wheres = append(st.wheres, whereBlock{base: j.base, s: wb.String(), end: ends})
	st.mu.Unlock()
}

// where is the Where of row i.
func (st *EnterpriseStream) where(i int) string {
	k := sort.Search(len(st.wheres), func(k int) bool { return st.wheres[k].base > i }) - 1
	wb := &st.wheres[k]
	at := i - wb.base
	lo := uint32(0)
	if at > 0 {
		lo = wb.end[at-1]
	}
	return wb.s[lo:wb.end[at]]
}

// idRow is an enterprise's id and row number, the sort key of Finish.
type idRow struct {
	id  string
	row int32
}

// Finish waits for the workers and returns the enterprises sorted by id
// and every problem in row order (ResolveEnterprises): a row whose id
// appeared on an earlier good row is a duplicate.
func (st *EnterpriseStream) Finish() ([]geo.Enterprise, []Problem) {
	close(st.jobs)
	st.workers.Wait()
	res, bad := st.res[:st.n], st.bad[:st.n]
	st.res, st.bad = nil, nil
	if res == nil {
		res = []geo.Enterprise{} // an empty list is a list
	}
	slices.SortFunc(st.wheres, func(a, b whereBlock) int { return cmp.Compare(a.base, b.base) })
	keys := make([]idRow, 0, len(res))
	for i := range res {
		if !bad[i] {
			keys = append(keys, idRow{res[i].ID, int32(i)})
		}
	}
	slices.SortFunc(keys, func(a, b idRow) int {
		if c := strings.Compare(a.id, b.id); c != 0 {
			return c
		}
		return cmp.Compare(a.row, b.row)
	})
	probs := st.probs
	uniq := keys[:0] // overwrites only keys already read
	for k := 0; k < len(keys); {
		first := keys[k]
		uniq = append(uniq, first)
		for k++; k < len(keys) && keys[k].id == first.id; k++ {
			e := &res[keys[k].row]
			what := "id"
			if e.CreditCode != "" {
				what = "credit code"
			}
			probs = append(probs, rowProblem{int(keys[k].row), Problem{Where: st.where(int(keys[k].row)),
				Reason: fmt.Sprintf("duplicate %s %s (first at %s)", what, e.ID, st.where(int(first.row)))}})
		}
	}
	st.wheres = nil
	if len(probs) == 0 {
		permute(res, uniq)
		return res, nil
	}
	slices.SortFunc(probs, func(a, b rowProblem) int { return cmp.Compare(a.row, b.row) })
	out := make([]geo.Enterprise, len(uniq))
	for k, u := range uniq {
		out[k] = res[u.row]
	}
	ps := make([]Problem, len(probs))
	for i, p := range probs {
		ps[i] = p.p
	}
	return out, ps
}

// permute reorders es in place so that es[k] is the old es[order[k].row]
// (order is a permutation): one move per element, following its cycles,
// instead of a second table of a million enterprises.
func permute(es []geo.Enterprise, order []idRow) {
	done := make([]bool, len(es))
	for start := range es {
		if done[start] {
			continue
		}
		tmp := es[start]
		for j := start; ; {
			done[j] = true
			src := int(order[j].row)
			if src == start {
				es[j] = tmp
				break
			}
			es[j] = es[src]
			j = src
		}
	}
}
