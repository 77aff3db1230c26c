package pgcatalog

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// pg_timezone_names: the time zones of the system's tz database, as
// PostgreSQL built with --with-system-tzdata (Debian's, for one) lists
// them: every file under the zone directory that loads as a TZif zone
// without leap seconds (so posix/... is in and right/... is out), by its
// path, with the abbreviation, offset and DST flag in force now.

// zoneDirs are where the tz database is looked for, in Go's order
// (time.LoadLocation's platform sources). ZONEINFO, when set, comes first.
var zoneDirs = []string{"/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/", "/etc/zoneinfo/"}

// zone is one listed time zone.
type zone struct {
	name string
	loc  *time.Location
}

var (
	zonesOnce sync.Once
	zoneList  []zone
)

// zones reads the tz database once per process: it changes only with the
// system's tzdata package, as PostgreSQL's cached zones do.
func zones() []zone {
	zonesOnce.Do(func() {
		dirs := zoneDirs
		if d := os.Getenv("ZONEINFO"); d != "" {
			dirs = append([]string{d}, dirs...)
		}
		for _, d := range dirs {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				zoneList = readZones(d)
				return
			}
		}
	})
	return zoneList
}

// readZones lists the loadable zones under dir, sorted by name. It
// follows symbolic links, directories included (Debian's posix/Africa is
// a link to ../Africa), to a bounded depth so a looping link ends.
func readZones(dir string) []zone {
	var out []zone
	var walk func(path, name string, depth int)
	walk = func(path, name string, depth int) {
		ents, err := os.ReadDir(path)
		if err != nil || depth > 8 {
			return
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			p, n := filepath.Join(path, e.Name()), e.Name()
			if name != "" {
				n = name + "/" + n
			}
			st, err := os.Stat(p)
			if err != nil {
				continue
			}
			if st.IsDir() {
				walk(p, n, depth+1)
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil || !acceptableTZif(data) {
				continue
			}
			if loc, err := time.LoadLocationFromTZData(n, data); err == nil {
				out = append(out, zone{name: n, loc: loc})
			}
		}
	}
	walk(dir, "", 0)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// acceptableTZif reports whether data is a TZif file without leap-second
// records: PostgreSQL (pg_tz_acceptable) skips zones that count leap
// seconds, since its timestamps have none.
func acceptableTZif(data []byte) bool {
	// The version 1 header: magic, version, 15 reserved bytes, then six
	// big-endian counts, the fourth of which is tzh_leapcnt.
	if len(data) < 44 || !bytes.Equal(data[:4], []byte("TZif")) {
		return false
	}
	return binary.BigEndian.Uint32(data[28:32]) == 0
}

func buildTimezoneNames(b *builder, src Source) {
	now := time.Now()
	for _, z := range zones() {
		t := now.In(z.loc)
		abbrev, off := t.Zone()
		b.add("name", z.name, "abbrev", abbrev, "utc_offset", types.IntervalVal{Micros: int64(off) * 1e6},
			"is_dst", t.IsDST())
	}
}

func init() { builders["pg_timezone_names"] = buildTimezoneNames }
