package planner

import "fmt"

// MemStats are what one Sort, hash join or HashAggregate used, for EXPLAIN
// ANALYZE's detail lines (PostgreSQL's show_sort_info, show_hash_info and
// show_hashagg_info).
type MemStats struct {
	// SortMethod is a Sort's "quicksort", "top-N heapsort" or
	// "external merge".
	SortMethod string
	// Buckets is a hash join's hash table size; Batches the number of
	// batches it (or a HashAggregate) ran in: 1 unless it spilled.
	Buckets, Batches int64
	// Memory is the peak memory used and Disk the bytes written to
	// temporary files, both in bytes.
	Memory, Disk int64
}

// Memory kinds for memProps.
const (
	memSort = iota
	memHash
	memAgg
)

// kb rounds bytes up to kilobytes, as PostgreSQL prints them.
func kb(n int64) int64 { return (n + 1023) / 1024 }

// memProps adds to e the lines EXPLAIN ANALYZE prints for what n's
// operator used: on a Sort `Sort Method: quicksort  Memory: 25kB`, on a
// hash join's Hash `Buckets: 1024  Batches: 1  Memory Usage: 9kB`, on a
// HashAggregate `Batches: 1  Memory Usage: 24kB` (and `Disk Usage` when
// it spilled). FORMAT JSON gets them as keys of their own.
func (ex *explainer) memProps(e *exNode, n Node, kind int) {
	if !ex.o.Analyze {
		return
	}
	st := ex.act[n]
	if st == nil || st.Mem == nil {
		return
	}
	m := st.Mem
	switch kind {
	case memSort:
		if m.SortMethod == "" {
			return
		}
		space, typ := kb(m.Memory), "Memory"
		if m.Disk > 0 {
			space, typ = kb(m.Disk), "Disk"
		}
		if ex.o.JSON {
			e.jprops = append(e.jprops, [2]any{"Sort Method", m.SortMethod}, [2]any{"Sort Space Used", space},
				[2]any{"Sort Space Type", typ})
			return
		}
		e.props = append(e.props, [2]string{"Sort Method", fmt.Sprintf("%s  %s: %dkB", m.SortMethod, typ, space)})
	case memHash:
		if m.Batches == 0 {
			return
		}
		if ex.o.JSON {
			e.jprops = append(e.jprops, [2]any{"Hash Buckets", m.Buckets}, [2]any{"Original Hash Buckets", m.Buckets},
				[2]any{"Hash Batches", m.Batches}, [2]any{"Original Hash Batches", m.Batches},
				[2]any{"Peak Memory Usage", kb(m.Memory)})
			return
		}
		e.props = append(e.props, [2]string{"Buckets", fmt.Sprintf("%d  Batches: %d  Memory Usage: %dkB", m.Buckets, m.Batches, kb(m.Memory))})
	case memAgg:
		if m.Batches == 0 {
			return
		}
		if ex.o.JSON {
			e.jprops = append(e.jprops, [2]any{"HashAgg Batches", m.Batches}, [2]any{"Peak Memory Usage", kb(m.Memory)},
				[2]any{"Disk Usage", kb(m.Disk)})
			return
		}
		line := fmt.Sprintf("%d  Memory Usage: %dkB", m.Batches, kb(m.Memory))
		if m.Batches > 1 {
			line += fmt.Sprintf("  Disk Usage: %dkB", kb(m.Disk))
		}
		e.props = append(e.props, [2]string{"Batches", line})
	}
}
