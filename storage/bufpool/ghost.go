package bufpool

import "github.com/neuroquantumdb/nqdb/storage/pager"

// ghostList is 2Q's A1out: a FIFO of the page numbers most recently evicted
// from A1in, holding no data. A miss on a page found here means the page
// was used again soon after its first use, so it goes to Am.
//
// Removal from the middle (on such a miss) is lazy: the map is the truth,
// and queue entries whose sequence number no longer matches are skipped.
type ghostList struct {
	cap   int
	seq   uint64
	set   map[pager.PageNo]uint64
	queue []ghost
	head  int
}

type ghost struct {
	no  pager.PageNo
	seq uint64
}

func (g *ghostList) init(capacity int) {
	g.cap = capacity
	g.set = make(map[pager.PageNo]uint64, capacity)
	g.queue = make([]ghost, 0, 2*capacity)
}

func (g *ghostList) add(no pager.PageNo) {
	g.seq++
	g.set[no] = g.seq
	g.queue = append(g.queue, ghost{no, g.seq})
	for len(g.set) > g.cap {
		e := g.queue[g.head]
		g.head++
		if s, ok := g.set[e.no]; ok && s == e.seq {
			delete(g.set, e.no)
		}
	}
	// Compact once the dead prefix is half the queue, so the queue stays
	// within a small multiple of cap without reallocating each time.
	if g.head > len(g.queue)/2 && g.head > 64 {
		n := copy(g.queue, g.queue[g.head:])
		g.queue = g.queue[:n]
		g.head = 0
	}
}

// remove deletes no and reports whether it was present.
func (g *ghostList) remove(no pager.PageNo) bool {
	if _, ok := g.set[no]; !ok {
		return false
	}
	delete(g.set, no)
	return true
}
