package executor

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// openTempSpace makes the engine's temporary directory (pgsql_tmp in the
// data directory), emptying what a crash left there, as PostgreSQL
// cleans base/pgsql_tmp at start. Sorts and hash tables spill there past
// work_mem (executor/eval/spill_temp.go).
func (e *Engine) openTempSpace(opts storage.Options) error {
	fs := opts.FS
	if fs == nil {
		fs = vfs.OS
	}
	ts, err := eval.NewTempSpace(fs, filepath.Join(opts.Dir, eval.TempDirName))
	if err != nil {
		return err
	}
	e.temp = ts
	return nil
}

// TempSpace is where this engine's queries spill (eval.TempSpacer).
func (e *Engine) TempSpace() *eval.TempSpace { return e.temp }

// TempSpace lets the session's operators spill to disk (eval.TempSpacer).
func (s *Session) TempSpace() *eval.TempSpace { return s.engine.temp }

// memUnits are the units of memory settings, in kB, largest first (SHOW
// prints the largest that divides the value).
var memUnits = []struct {
	name string
	kb   float64
}{{"TB", 1 << 30}, {"GB", 1 << 20}, {"MB", 1 << 10}, {"kB", 1}, {"B", 1.0 / 1024}}

// checkMemory validates a memory setting in kB (work_mem, temp_file_limit)
// as PostgreSQL's parse_int with GUC_UNIT_KB does: a number, maybe with a
// fraction or exponent, then optional spaces and a case-sensitive unit
// (kB when none); the result rounded to whole kB and checked against
// [lo, hi]; SHOW's form uses the largest unit that divides it.
func checkMemory(name string, lo, hi int64) func(string) (string, error) {
	return func(v string) (string, error) {
		f, err := parseMemoryKB(name, v, 1)
		if err != nil {
			return "", err
		}
		f = math.RoundToEven(f)
		if f > math.MaxInt32 || f < math.MinInt32 {
			return "", invalidValue(name, v).WithHint("Value exceeds integer range.")
		}
		n := int64(f)
		if n < lo || n > hi {
			return "", pgerror.New(pgerror.InvalidParameterValue,
				"%d kB is outside the valid range for parameter \"%s\" (%d .. %d)", n, name, lo, hi)
		}
		return formatMemoryKB(n), nil
	}
}

// formatMemoryKB prints n kB as SHOW does.
func formatMemoryKB(n int64) string {
	if n <= 0 {
		return strconv.FormatInt(n, 10)
	}
	for _, u := range memUnits[:4] {
		if k := int64(u.kb); n%k == 0 {
			return strconv.FormatInt(n/k, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "kB"
}

// checkRealRange validates a floating-point setting (hash_mem_multiplier).
func checkRealRange(name string, lo, hi float64) func(string) (string, error) {
	return func(v string) (string, error) {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) {
			return "", invalidValue(name, v)
		}
		if f < lo || f > hi {
			return "", pgerror.New(pgerror.InvalidParameterValue, "%s is outside the valid range for parameter \"%s\" (%s .. %s)",
				strconv.FormatFloat(f, 'g', -1, 64), name, strconv.FormatFloat(lo, 'g', -1, 64), strconv.FormatFloat(hi, 'g', -1, 64))
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	}
}

// parseMemoryKB reads a memory or size setting's value: a number and an
// optional unit (B, kB, MB, GB, TB), as kilobytes; a bare number counts
// bareKB kilobytes (1 for work_mem, 8 for a size in blocks).
func parseMemoryKB(name, v string, bareKB float64) (float64, error) {
	s := strings.TrimSpace(v)
	i := 0
	for i < len(s) && strings.IndexByte("0123456789+-.eE", s[i]) >= 0 {
		i++
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || i == 0 {
		return 0, invalidValue(name, v)
	}
	unit := strings.TrimSpace(s[i:])
	kb := 0.0
	if unit == "" {
		kb = bareKB
	}
	for _, u := range memUnits {
		if unit == u.name {
			kb = u.kb
		}
	}
	if kb == 0 {
		return 0, invalidValue(name, v).WithHint(`Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".`)
	}
	return f * kb, nil
}
