package server

import (
	"encoding/binary"

	"github.com/neuroquantumdb/nqdb/executor"
)

// planCacheSize bounds the per-connection cache; when full it is emptied,
// which is cheap and good enough for the repetitive workloads it serves.
const planCacheSize = 256

// planCache maps query text (and declared parameter types) to a prepared
// statement, so that pgbench -M simple and -M extended, which send the same
// text again and again, skip parsing and planning. Entries are valid only
// for the session's plan epoch (catalog and settings) they were made in.
type planCache struct {
	entries map[string]cachedPlan
	key     []byte
}

type cachedPlan struct {
	epoch uint64
	prep  *executor.Prepared
}

// makeKey builds the key of a query with declared parameter types in a
// reused buffer; lookups index the map with string(pc.key), which does not
// allocate.
func (pc *planCache) makeKey(query string, oids []uint32) []byte {
	pc.key = append(pc.key[:0], query...)
	for _, o := range oids {
		pc.key = binary.BigEndian.AppendUint32(append(pc.key, 0), o)
	}
	return pc.key
}

func (pc *planCache) get(query string, oids []uint32, epoch uint64) *executor.Prepared {
	if pc.entries == nil {
		return nil
	}
	var e cachedPlan
	var ok bool
	if len(oids) == 0 {
		e, ok = pc.entries[query]
	} else {
		e, ok = pc.entries[string(pc.makeKey(query, oids))]
	}
	if !ok || e.epoch != epoch {
		return nil
	}
	return e.prep
}

func (pc *planCache) put(query string, oids []uint32, epoch uint64, p *executor.Prepared) {
	if !p.Cacheable() {
		return
	}
	if pc.entries == nil || len(pc.entries) >= planCacheSize {
		pc.entries = make(map[string]cachedPlan, planCacheSize)
	}
	key := query
	if len(oids) > 0 {
		key = string(pc.makeKey(query, oids))
	}
	pc.entries[key] = cachedPlan{epoch: epoch, prep: p}
}
