package isolationtest

import (
	"fmt"
	"strings"
)

// Levels are the isolation levels a spec runs at when it lists none.
var allLevels = []string{"read committed", "repeatable read", "serializable"}

// spec is a parsed testdata/*.spec file; see the package comment.
type spec struct {
	levels       []string
	setup        []string
	teardown     []string
	sessions     []*session
	permutations []permutation
	steps        map[string]*step // by name
}

// permutation is an order of steps. known, when set, explains a known
// difference from PostgreSQL: the permutation is then logged rather than
// failed while it differs, and fails once it matches (so the line goes).
type permutation struct {
	steps []string
	known string
}

type session struct {
	name    string
	index   int
	setup   []string
	pgsetup []string
	steps   []*step
}

type step struct {
	name    string
	sql     string
	session *session
}

// parseSpec parses the spec format of the package comment. Errors name the
// line.
func parseSpec(text string) (*spec, error) {
	s := &spec{steps: map[string]*step{}}
	var cur *session
	known := ""
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		kw, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s", n+1, fmt.Sprintf(format, args...))
		}
		switch kw {
		case "levels":
			if cur != nil || s.levels != nil {
				return nil, fail("levels must come once, before the sessions")
			}
			for _, l := range strings.Split(rest, ",") {
				l = strings.Join(strings.Fields(strings.ToLower(l)), " ")
				ok := false
				for _, a := range allLevels {
					ok = ok || a == l
				}
				if !ok {
					return nil, fail("unknown isolation level %q", l)
				}
				s.levels = append(s.levels, l)
			}
		case "setup", "teardown", "pgsetup":
			if rest == "" {
				return nil, fail("%s without SQL", kw)
			}
			switch {
			case kw == "pgsetup" && cur == nil:
				return nil, fail("pgsetup outside a session")
			case kw == "pgsetup":
				cur.pgsetup = append(cur.pgsetup, rest)
			case kw == "teardown" && cur != nil:
				return nil, fail("teardown inside a session")
			case kw == "teardown":
				s.teardown = append(s.teardown, rest)
			case cur != nil:
				cur.setup = append(cur.setup, rest)
			default:
				s.setup = append(s.setup, rest)
			}
		case "session":
			if len(s.permutations) > 0 {
				return nil, fail("session after a permutation")
			}
			if rest == "" || strings.ContainsAny(rest, " \t") {
				return nil, fail("session needs one name")
			}
			for _, o := range s.sessions {
				if o.name == rest {
					return nil, fail("session %s defined twice", rest)
				}
			}
			cur = &session{name: rest, index: len(s.sessions)}
			s.sessions = append(s.sessions, cur)
		case "step":
			if cur == nil {
				return nil, fail("step outside a session")
			}
			name, sql, _ := strings.Cut(rest, " ")
			sql = strings.TrimSpace(sql)
			if name == "" || sql == "" {
				return nil, fail("step needs a name and SQL")
			}
			if s.steps[name] != nil {
				return nil, fail("step %s defined twice", name)
			}
			st := &step{name: name, sql: sql, session: cur}
			cur.steps = append(cur.steps, st)
			s.steps[name] = st
		case "permutation":
			names := strings.Fields(rest)
			if len(names) == 0 {
				return nil, fail("empty permutation")
			}
			for _, name := range names {
				if s.steps[name] == nil {
					return nil, fail("permutation names unknown step %s", name)
				}
			}
			s.permutations = append(s.permutations, permutation{steps: names, known: known})
			known = ""
		case "known":
			if rest == "" {
				return nil, fail("known needs a reason")
			}
			known = rest
		default:
			return nil, fail("unknown keyword %q", kw)
		}
	}
	if len(s.sessions) == 0 {
		return nil, fmt.Errorf("no sessions")
	}
	if known != "" {
		return nil, fmt.Errorf("known without a permutation after it")
	}
	if len(s.permutations) == 0 {
		return nil, fmt.Errorf("no permutations")
	}
	if s.levels == nil {
		s.levels = allLevels
	}
	return s, nil
}

// format prints the spec back in canonical form; parseSpec(format(s))
// gives s again (the fuzz target's round trip).
func (s *spec) format() string {
	var b strings.Builder
	b.WriteString("levels " + strings.Join(s.levels, ", ") + "\n")
	for _, q := range s.setup {
		b.WriteString("setup " + q + "\n")
	}
	for _, q := range s.teardown {
		b.WriteString("teardown " + q + "\n")
	}
	for _, se := range s.sessions {
		b.WriteString("session " + se.name + "\n")
		for _, q := range se.setup {
			b.WriteString("  setup " + q + "\n")
		}
		for _, q := range se.pgsetup {
			b.WriteString("  pgsetup " + q + "\n")
		}
		for _, st := range se.steps {
			b.WriteString("  step " + st.name + " " + st.sql + "\n")
		}
	}
	for _, p := range s.permutations {
		if p.known != "" {
			b.WriteString("known " + p.known + "\n")
		}
		b.WriteString("permutation " + strings.Join(p.steps, " ") + "\n")
	}
	return b.String()
}
