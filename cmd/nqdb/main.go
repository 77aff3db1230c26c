// Command nqdb is the NeuroQuantumDB server: a PostgreSQL 15 compatible SQL
// database in one binary.
//
//	nqdb serve [flags]   start the server (flags also as NQDB_* variables)
//	nqdb load [flags]    staged load test against a running server (load.go)
//	nqdb version         print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/server/auth"
	"github.com/neuroquantumdb/nqdb/storage"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		if err := serve(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "nqdb:", err)
			os.Exit(1)
		}
	case "check":
		if err := check(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "nqdb check:", err)
			os.Exit(1)
		}
	case "load":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := runLoad(ctx, os.Args[2:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	case "version", "--version", "-v":
		fmt.Printf("nqdb %s (PostgreSQL %s compatible)\n", version, executor.ServerVersion)
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "nqdb: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
}

// check recovers a data directory and verifies it: every tree's
// structure, every page checksum and every index against its table
// (crash tests run it after each restart; an operator runs it on a
// suspect directory).
func check(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	dir := fs.String("data-dir", "nqdb-data", "data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	eng, err := executor.OpenEngine(storage.Options{Dir: *dir})
	if err != nil {
		return err
	}
	if err := eng.Check(context.Background()); err != nil {
		eng.Close()
		return err
	}
	if err := eng.Close(); err != nil {
		return err
	}
	fmt.Println("ok")
	return nil
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: nqdb <command> [flags]

commands:
  serve     start the server (nqdb serve -h lists its flags)
  check     recover a data directory and verify every page (--data-dir)
  load      staged load test against a running server (nqdb load -h)
  version   print the version
`)
}

// options are serve's settings. Each flag --name can also be given as the
// environment variable NQDB_NAME (dashes become underscores); a flag on the
// command line wins over the environment.
type options struct {
	listen         string
	dataDir        string
	httpAddr       string
	logLevel       string
	authMethod     string
	password       string
	tlsCert        string
	tlsKey         string
	maxConnections int
	bufferPool     string
	shutdownWait   time.Duration
	pprof          bool
	memoryLimit    string
}

func parseFlags(args []string, getenv func(string) string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("nqdb serve", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:5432", "address of the PostgreSQL protocol listener")
	fs.StringVar(&o.dataDir, "data-dir", "./nqdb-data", "data directory")
	fs.StringVar(&o.httpAddr, "http", "127.0.0.1:9090", "address of /health and /metrics (empty to disable)")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&o.authMethod, "auth", "", "authentication: trust | password | md5 | scram-sha-256 (default scram-sha-256 when a password is set, else trust)")
	fs.StringVar(&o.password, "password", "", "password of the superuser postgres")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate file; enables TLS with --tls-key")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM private key file")
	fs.IntVar(&o.maxConnections, "max-connections", 100, "maximum concurrent client connections")
	fs.StringVar(&o.bufferPool, "buffer-pool", "32MiB", "buffer pool size, e.g. 32MiB, 1GiB")
	fs.StringVar(&o.memoryLimit, "memory-limit", "auto", "Go runtime soft memory limit: auto (buffer pool + max(40MiB, buffer pool)), off, or a size; GOMEMLIMIT wins")
	fs.BoolVar(&o.pprof, "pprof", false, "serve Go's profiler under /debug/pprof/ on the --http address")
	fs.DurationVar(&o.shutdownWait, "shutdown-timeout", 30*time.Second, "how long running statements may finish on SIGINT/SIGTERM")
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "NQDB_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" {
			if err := f.Value.Set(v); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s: %w", name, err)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	pool, err := parseSize(o.bufferPool)
	if err != nil {
		return nil, fmt.Errorf("--buffer-pool: %w", err)
	}
	if _, _, err := memoryLimit(o.memoryLimit, pool); err != nil {
		return nil, err
	}
	return o, nil
}

// parseSize reads sizes such as 32MiB, 512kB, 1GB or a plain byte count.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"kB", 1 << 10}, {"KB", 1 << 10},
		{"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return n * mult, nil
}

func newLogger(level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.EncoderConfig.TimeKey = "ts"
	cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.Sampling = nil
	return cfg.Build()
}

func serve(args []string) error {
	o, err := parseFlags(args, os.Getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log, err := newLogger(o.logLevel)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	method := auth.Method("")
	if o.authMethod != "" {
		if method, err = auth.ParseMethod(o.authMethod); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	pool, err := parseSize(o.bufferPool)
	if err != nil {
		return err
	}
	if _, err := applyMemoryLimit(o.memoryLimit, pool); err != nil {
		return err
	}
	opened := time.Now()
	engine, err := executor.OpenEngine(storage.Options{Dir: o.dataDir, BufferPool: pool})
	if err != nil {
		return fmt.Errorf("opening data directory %s: %w", o.dataDir, err)
	}
	defer func() {
		if err := engine.Close(); err != nil {
			log.Error("closing the database", zap.Error(err))
		}
	}()
	log.Info("database open", zap.String("data_dir", o.dataDir), zap.Duration("recovery", time.Since(opened)))
	srv, err := server.New(server.Config{
		Listen: o.listen, Auth: method, Password: o.password, TLSCert: o.tlsCert, TLSKey: o.tlsKey,
		MaxConnections: o.maxConnections, Logger: log,
	}, engine)
	if err != nil {
		return err
	}
	addr, err := srv.Listen()
	if err != nil {
		return err
	}
	var httpSrv *http.Server
	var ready atomic.Bool
	if o.httpAddr != "" {
		hl, err := net.Listen("tcp", o.httpAddr)
		if err != nil {
			return fmt.Errorf("--http: %w", err)
		}
		httpSrv = &http.Server{Handler: httpHandler(srv, &ready, o.pprof), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = httpSrv.Serve(hl) }()
		log.Info("serving /health and /metrics", zap.String("http", hl.Addr().String()))
	}
	host, port, _ := net.SplitHostPort(addr.String())
	log.Info("nqdb started", zap.String("version", version), zap.String("data_dir", o.dataDir),
		zap.String("buffer_pool", o.bufferPool))
	fmt.Fprintf(os.Stderr, "nqdb %s listening on %s\nconnect with: psql -h %s -p %s -U postgres\n",
		version, addr, host, port)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	ready.Store(true)
	select {
	case err := <-errc:
		return err
	case s := <-sig:
		log.Info("shutting down", zap.String("signal", s.String()), zap.Duration("deadline", o.shutdownWait))
	}
	ready.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), o.shutdownWait)
	defer cancel()
	if httpSrv != nil {
		_ = httpSrv.Shutdown(ctx)
	}
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("shutdown deadline passed", zap.Error(err))
	}
	log.Info("stopped")
	return nil
}
