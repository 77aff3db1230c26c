package executor

import (
	"strings"
	"testing"
)

// TestBlockSettings checks min_parallel_table_scan_size's values as
// PostgreSQL 15 shows them (taken from psql against PostgreSQL 15;
// internal/sqltest/testdata/parallel_query.sql compares some live).
func TestBlockSettings(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"8MB", "8MB", ""},
		{"1024", "8MB", ""},
		{"0", "0", ""},
		{"100kB", "96kB", ""},
		{"1", "8kB", ""},
		{"1GB", "1GB", ""},
		{"-1", "", `-1 8kB is outside the valid range for parameter "min_parallel_table_scan_size" (0 .. 715827882)`},
		{"abc", "", `invalid value for parameter "min_parallel_table_scan_size": "abc"`},
		{"8mb", "", `invalid value for parameter "min_parallel_table_scan_size": "8mb"`},
	} {
		got, err := settingDefs["min_parallel_table_scan_size"].check(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got %q, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzBlockSettings checks that any input is either rejected or
// normalised to a value that reads back as itself.
func FuzzBlockSettings(f *testing.F) {
	for _, s := range []string{"8MB", "1024", "0", "100kB", "1e3", " 2 GB", "-1", "1.5MB", "9999999999"} {
		f.Add(s)
	}
	check := settingDefs["min_parallel_table_scan_size"].check
	f.Fuzz(func(t *testing.T, in string) {
		got, err := check(in)
		if err != nil {
			return
		}
		again, err := check(got)
		if err != nil || again != got {
			t.Fatalf("%q -> %q -> %q, %v", in, got, again, err)
		}
	})
}
