package pager

import "math/bits"

// freeSet is a set of page numbers as a bitmap: one bit per page of the
// file, so 1 GiB of data costs 16 KiB, Free and Allocate are O(1)
// amortised, and the lowest free page comes first (which keeps the file
// compact and reads near its start).
type freeSet struct {
	words []uint64
	count int
	hint  int // no word below hint has a bit set
}

func (s *freeSet) has(no PageNo) bool {
	w := int(no / 64)
	return w < len(s.words) && s.words[w]&(1<<(no%64)) != 0
}

// add inserts no and reports whether it was absent.
func (s *freeSet) add(no PageNo) bool {
	w := int(no / 64)
	if w >= len(s.words) {
		s.words = append(s.words, make([]uint64, w+1-len(s.words))...)
	}
	bit := uint64(1) << (no % 64)
	if s.words[w]&bit != 0 {
		return false
	}
	s.words[w] |= bit
	s.count++
	if w < s.hint {
		s.hint = w
	}
	return true
}

// remove deletes no and reports whether it was present.
func (s *freeSet) remove(no PageNo) bool {
	if !s.has(no) {
		return false
	}
	s.words[no/64] &^= 1 << (no % 64)
	s.count--
	return true
}

// take removes and returns the lowest member.
func (s *freeSet) take() (PageNo, bool) {
	if s.count == 0 {
		return 0, false
	}
	for w := s.hint; w < len(s.words); w++ {
		if x := s.words[w]; x != 0 {
			b := bits.TrailingZeros64(x)
			s.words[w] = x &^ (1 << b)
			s.count--
			s.hint = w
			return PageNo(w*64 + b), true
		}
	}
	panic("pager: free set count out of sync with its bitmap")
}

func (s *freeSet) clone() freeSet {
	return freeSet{words: append([]uint64(nil), s.words...), count: s.count, hint: s.hint}
}

// each calls fn for every member in increasing order.
func (s *freeSet) each(fn func(PageNo)) {
	for w := s.hint; w < len(s.words); w++ {
		for x := s.words[w]; x != 0; x &= x - 1 {
			fn(PageNo(w*64 + bits.TrailingZeros64(x)))
		}
	}
}
