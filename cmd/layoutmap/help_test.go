package main

import (
	"io"
	"strings"
	"testing"
)

// TestHelpListsCommands: `layoutmap --help` (and -h, help) prints the
// command list, not only serve's flags.
func TestHelpListsCommands(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		var out strings.Builder
		if err := run(t.Context(), []string{arg}, func(string) string { return "" }, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		for _, cmd := range []string{"serve", "import", "export", "rollback", "template"} {
			if !strings.Contains(out.String(), "  "+cmd+" ") {
				t.Errorf("layoutmap %s does not list %s:\n%s", arg, cmd, out.String())
			}
		}
	}
}
