package data_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// sequentialResolve is the reference of ResolveEnterprises: each row
// resolved alone, then the duplicates among the good rows found in row
// order, then sorted by id.
func sequentialResolve(ds *data.Dataset, pl *data.Placer, rows []data.EnterpriseIn) ([]geo.Enterprise, []data.Problem) {
	var out []geo.Enterprise
	var probs []data.Problem
	first := map[string]string{}
	for _, r := range rows {
		es, ps := data.ResolveEnterprises(ds, pl, []data.EnterpriseIn{r})
		if len(ps) > 0 {
			probs = append(probs, ps...)
			continue
		}
		e := es[0]
		if at, dup := first[e.ID]; dup {
			what := "id"
			if e.CreditCode != "" {
				what = "credit code"
			}
			probs = append(probs, data.Problem{Where: r.Where, Reason: fmt.Sprintf("duplicate %s %s (first at %s)", what, e.ID, at)})
			continue
		}
		first[e.ID] = r.Where
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b geo.Enterprise) int { return strings.Compare(a.ID, b.ID) })
	return out, probs
}

// A list resolved while it is read, in chunks of any size and with a
// wrong size hint, gives what resolving each row alone and then finding
// the duplicates in row order gives: the same enterprises in id order and
// the same problems in row order, duplicates across chunks and ids of
// refused rows included.
func TestEnterpriseStreamMatchesSequential(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl := data.NewPlacer(ds)
	var b bytes.Buffer
	if err := synth.Enterprises(ds, 9000, 5, &b); err != nil {
		t.Fatal(err)
	}
	good, probs, err := importer.ReadEnterprises(&b, "s.csv", "", nil)
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	cc := "91410000000000123"
	c18, _ := geo.CreditCodeCheck(cc)
	code := cc + string(c18)
	rows := slices.Clone(good)
	rows[10].CreditCode = code
	rows[4095] = rows[10] // a duplicate of row 10 at a chunk's end
	rows[4095].Where = "s.csv row 4097"
	rows[4096] = good[11] // and at the next one's start
	rows[4096].Where = "s.csv row 4098"
	rows[5000].CreditCode = strings.ToLower(code) // the same code, in lower case
	rows[100].Source = ""                         // refused: not the first of its id
	rows[6000] = good[100]
	rows[6000].Where = "s.csv row 6002"
	rows[8191].Point = orb.Point{116.40, 39.90} // outside Henan
	rows[8192].Chains = []string{"no_such_chain"}
	rows = append(rows, good[8191]) // the refused row's id, good, at the end
	rows[len(rows)-1].Where = "s.csv row 9002"

	want, wantProbs := sequentialResolve(ds, pl, rows)
	if len(wantProbs) != 6 || len(want) != len(rows)-6 {
		t.Fatalf("the reference finds %d problems (%v) and %d enterprises", len(wantProbs), wantProbs, len(want))
	}
	check := func(name string, got []geo.Enterprise, gotProbs []data.Problem) {
		t.Helper()
		if !reflect.DeepEqual(gotProbs, wantProbs) {
			t.Errorf("%s: problems\n%v\nwant\n%v", name, gotProbs, wantProbs)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d enterprises, want %d", name, len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%s: enterprise %d\n%+v\nwant\n%+v", name, i, got[i], want[i])
			}
		}
	}
	got, gotProbs := data.ResolveEnterprises(ds, pl, rows)
	check("ResolveEnterprises", got, gotProbs)

	st := data.NewEnterpriseStream(ds, pl)
	st.Hint(100) // too few: the table grows
	for lo, k := 0, 0; lo < len(rows); k++ {
		n := []int{1, 777, 4096, 3, 2500}[k%5]
		hi := min(lo+n, len(rows))
		st.Add(slices.Clone(rows[lo:hi]))
		lo = hi
	}
	got, gotProbs = st.Finish()
	check("stream", got, gotProbs)

	// Without a problem the table is sorted in place.
	clean := slices.Clone(good)
	want, wantProbs = sequentialResolve(ds, pl, clean)
	st = data.NewEnterpriseStream(ds, pl)
	st.Hint(len(clean))
	for lo := 0; lo < len(clean); lo += 1000 {
		st.Add(clean[lo:min(lo+1000, len(clean))])
	}
	got, gotProbs = st.Finish()
	check("clean stream", got, gotProbs)

	// An empty list is an empty list, not none.
	if es, ps := data.NewEnterpriseStream(ds, pl).Finish(); es == nil || len(es) != 0 || ps != nil {
		t.Errorf("empty stream: %v %v", es, ps)
	}
}
