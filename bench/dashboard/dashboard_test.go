package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// dashboard is the part of Grafana's JSON model the test reads.
type dashboard struct {
	Panels []struct {
		Title   string `json:"title"`
		Type    string `json:"type"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// metricName matches the metric names in a PromQL expression: nqdb's,
// and the Go and process collectors' the dashboard also shows.
var metricName = regexp.MustCompile(`\b(?:nqdb|go|process)_[a-z_]+\b`)

func TestDashboardMetricsExist(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("docs/grafana-dashboard.json: %v", err)
	}
	used := map[string][]string{}
	for _, p := range d.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, m := range metricName.FindAllString(tg.Expr, -1) {
				used[m] = append(used[m], p.Title)
			}
		}
	}
	if len(used) < 10 {
		t.Fatalf("only %d metrics found in the dashboard", len(used))
	}

	srv, addr := testserver.Start(t, server.Config{})
	// One query and one error, so that the histogram and the labelled
	// error counter have series to export.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://postgres@"+addr.String()+"/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = conn.Exec(ctx, "select 1", pgx.QueryExecModeSimpleProtocol)
	_, _ = conn.Exec(ctx, "select * from no_such_table", pgx.QueryExecModeSimpleProtocol)
	conn.Close(ctx)
	rec := httptest.NewRecorder()
	srv.HTTPHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Result().Body)
	exported := map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			f := strings.Fields(name)
			exported[f[0]] = true
			if len(f) > 1 && (f[1] == "histogram" || f[1] == "summary") {
				for _, s := range []string{"_bucket", "_count", "_sum"} {
					exported[f[0]+s] = true
				}
			}
		}
	}
	var missing []string
	for m, panels := range used {
		if !exported[m] {
			missing = append(missing, m+" (in "+strings.Join(panels, ", ")+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the dashboard queries metrics /metrics does not export:\n  %s", strings.Join(missing, "\n  "))
	}
}
