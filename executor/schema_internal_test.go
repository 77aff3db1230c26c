package executor

import (
	"testing"
)

// TestTempRelationsGoAfterCrash: temporary relations whose session never
// ended (the process died) are gone when the engine opens again, while
// permanent relations in user schemas stay.
func TestTempRelationsGoAfterCrash(t *testing.T) {
	dir := t.TempDir()
	e, s := testSession(t, dir)
	for _, q := range []string{
		"create schema app",
		"create table app.keep (a int primary key)",
		"insert into app.keep values (1)",
		"create temp table scratch (id serial primary key, v text)",
		"insert into scratch (v) values ('x')",
		"create temp view sv as select v from scratch",
	} {
		if _, err := run(s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// No s.Close(): the session dies with the process.
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, s = testSession(t, dir)
	defer e.Close()
	for q, want := range map[string]string{
		"select count(*) from app.keep":                                           "1",
		"select count(*) from pg_class where relpersistence = 't'":                "0",
		"select count(*) from pg_class where relname in ('scratch', 'sv')":        "0",
		"select count(*) from pg_namespace where nspname in ('app', 'pg_temp_3')": "2",
	} {
		got, err := run(s, q)
		if err != nil || len(got) != 1 || got[0][0] != want {
			t.Errorf("%s: got %v, %v; want %s", q, got, err, want)
		}
	}
	// The slot is reused by the next session that wants one, and its new
	// table does not collide with the dropped one.
	if _, err := run(s, "create temp table scratch (a int)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got, err := run(s, "select count(*) from pg_class where relpersistence = 't'")
	if err != nil || got[0][0] != "0" {
		t.Errorf("after Close: %v %v", got, err)
	}
}
