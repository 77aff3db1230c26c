package main

import "testing"

func TestMemoryLimit(t *testing.T) {
	const pool = 32 << 20
	cases := []struct {
		flag    string
		want    int64
		ok, err bool
	}{
		{"auto", pool + memoryHeadroom, true, false},
		{"", pool + memoryHeadroom, true, false},
		{"AUTO", pool + memoryHeadroom, true, false},
		{"off", 0, false, false},
		{"0", 0, false, false},
		{"256MiB", 256 << 20, true, false},
		{"1GiB", 1 << 30, true, false},
		{"lots", 0, false, true},
		{"-5MiB", 0, false, true},
	}
	// A large pool gets as much again for queries' own memory.
	if got, _, _ := memoryLimit("auto", 1<<30); got != 2<<30 {
		t.Errorf("memoryLimit(auto) with a 1 GiB pool = %d, want 2 GiB", got)
	}
	for _, c := range cases {
		got, ok, err := memoryLimit(c.flag, pool)
		if (err != nil) != c.err || ok != c.ok || got != c.want {
			t.Errorf("memoryLimit(%q) = %d %v %v; want %d %v err=%v", c.flag, got, ok, err, c.want, c.ok, c.err)
		}
	}
	if _, err := parseFlags([]string{"--memory-limit", "lots"}, func(string) string { return "" }); err == nil {
		t.Error("--memory-limit lots accepted")
	}
	o, err := parseFlags(nil, func(k string) string {
		if k == "NQDB_MEMORY_LIMIT" {
			return "off"
		}
		return ""
	})
	if err != nil || o.memoryLimit != "off" {
		t.Errorf("NQDB_MEMORY_LIMIT: %v %+v", err, o)
	}
}
