package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"layoutmap/data/henan"
	"layoutmap/data/synth"
)

// runSynth is `layoutmap synth enterprises --n N --seed S --out FILE`: a
// clearly synthetic enterprise list (CSV in the import format) over the
// bundled dataset's counties and zones, for benchmarks, demos and tests.
// It never touches the bundled dataset.
func runSynth(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "enterprises" {
		return errors.New("synth: usage: layoutmap synth enterprises --n N --seed S --out FILE (only enterprises can be synthesised)")
	}
	fs := flag.NewFlagSet("synth enterprises", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of synthetic enterprises")
	seed := fs.String("seed", "1", "random seed (a whole number ≥ 0); the same seed writes the same file")
	out := fs.String("out", "", "output CSV file (- for stdout)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("synth: --out FILE is required (- writes to stdout)")
	}
	s, err := strconv.ParseUint(*seed, 10, 64)
	if err != nil {
		return fmt.Errorf("synth: --seed must be a whole number ≥ 0, got %q", *seed)
	}
	ds, err := henan.Load()
	if err != nil {
		return fmt.Errorf("synth: loading data/henan: %w", err)
	}
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		defer f.Close()
		w = f
	}
	if err := synth.Enterprises(ds, *n, s, w); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "wrote %d synthetic enterprises (seed %d) to %s; every row says \"synthetic\": never import it as real data\n", *n, s, *out)
	}
	return nil
}
