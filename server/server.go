// Package server is nqdb's PostgreSQL wire front end (protocol 3.0 as
// PostgreSQL 15 speaks it), built on github.com/jackc/pgx/v5/pgproto3.
//
// One goroutine serves one connection: it decodes messages, hands SQL to an
// executor.Session and encodes what comes back. Nothing here knows about
// plans or storage. The Server keeps the registry of live connections so a
// CancelRequest (which arrives on a new connection) can reach the backend it
// names, and so shutdown can drain them.
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/server/auth"
)

// Config is the server's configuration; cmd/nqdb fills it from flags and
// NQDB_* environment variables.
type Config struct {
	// Listen is the TCP address of the PostgreSQL protocol, e.g. 127.0.0.1:5432.
	Listen string
	// Auth is the authentication method; Password is the superuser's.
	// An empty method means scram-sha-256 when a password is set and trust
	// otherwise.
	Auth     auth.Method
	Password string
	// TLSCert and TLSKey name PEM files; when both are set SSLRequest is
	// answered with 'S'.
	TLSCert, TLSKey string
	// MaxConnections caps concurrent client connections (default 100).
	MaxConnections int
	// Logger receives structured logs; nil means no logging.
	Logger *zap.Logger
}

// Server accepts PostgreSQL connections.
type Server struct {
	cfg     Config
	log     *zap.Logger
	engine  *executor.Engine
	tls     *tls.Config
	creds   *auth.Credentials
	Metrics *Metrics

	mu       sync.Mutex
	ln       net.Listener
	conns    map[int32]*conn
	closing  bool
	nextPID  atomic.Int32
	wg       sync.WaitGroup
	shutdown chan struct{}
}

// New validates cfg and prepares a server; Serve starts it.
func New(cfg Config, engine *executor.Engine) (*Server, error) {
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 100
	}
	if cfg.Auth == "" {
		cfg.Auth = auth.Trust
		if cfg.Password != "" {
			cfg.Auth = auth.SCRAMSHA256
		}
	}
	if cfg.Auth != auth.Trust && cfg.Password == "" {
		return nil, fmt.Errorf("auth method %s needs a password (--password or NQDB_PASSWORD)", cfg.Auth)
	}
	if engine == nil {
		return nil, errors.New("server: no engine")
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{cfg: cfg, log: log, engine: engine, conns: map[int32]*conn{},
		shutdown: make(chan struct{}), Metrics: NewMetrics()}
	s.Metrics.Registry.MustRegister(newStorageCollector(engine.Storage()))
	s.Metrics.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "nqdb_busy_connections", Help: "Connections handling a statement right now.",
	}, func() float64 { return float64(s.BusyConnections()) }))
	if cfg.Password != "" {
		c, err := auth.NewCredentials("postgres", cfg.Password)
		if err != nil {
			return nil, err
		}
		s.creds = c
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("--tls-cert and --tls-key must be given together")
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("loading TLS certificate: %w", err)
		}
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	// Backend "process ids" start at a random point so that two server
	// runs do not hand out the same (pid, key) pairs.
	var b [2]byte
	_, _ = rand.Read(b[:])
	s.nextPID.Store(int32(binary.BigEndian.Uint16(b[:])) + 1000)
	return s, nil
}

// Listen opens the listening socket (so callers can learn the address
// before Serve blocks).
func (s *Server) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	return ln.Addr(), nil
}

// Addr returns the listening address once Listen has succeeded.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve accepts connections until Shutdown; it returns nil after a clean
// shutdown.
func (s *Server) Serve() error {
	if s.Addr() == nil {
		if _, err := s.Listen(); err != nil {
			return err
		}
	}
	s.log.Info("accepting connections", zap.String("listen", s.Addr().String()),
		zap.String("auth", string(s.cfg.Auth)), zap.Bool("tls", s.tls != nil))
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.shutdown:
				return nil
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(nc)
		}()
	}
}

// register adds a connection to the registry; it fails when the server is
// full or shutting down.
func (s *Server) register(c *conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return errShuttingDown
	}
	if len(s.conns) >= s.cfg.MaxConnections {
		return errTooManyConnections
	}
	s.conns[c.pid] = c
	s.Metrics.connections.Set(float64(len(s.conns)))
	return nil
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	delete(s.conns, c.pid)
	s.Metrics.connections.Set(float64(len(s.conns)))
	s.mu.Unlock()
}

// BusyConnections counts the connections handling a message (a statement,
// or an extended-protocol sequence up to its Sync) right now.
func (s *Server) BusyConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		c.mu.Lock()
		if c.busy {
			n++
		}
		c.mu.Unlock()
	}
	return n
}

// cancel handles a CancelRequest: it cancels the running statement of the
// backend with that pid if the secret key matches, and nothing otherwise
// (PostgreSQL never tells the sender whether it worked).
func (s *Server) cancel(pid int32, key []byte) {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare(key, c.secret) != 1 {
		return
	}
	c.cancelStatement()
}

// Shutdown stops accepting connections, closes idle ones, lets running
// statements finish until ctx is done, then cancels what is left and waits
// for every connection goroutine to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	close(s.shutdown)
	if s.ln != nil {
		_ = s.ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.terminateWhenIdle()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.log.Warn("shutdown deadline reached; cancelling running statements")
	for _, c := range conns {
		c.kill()
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return ctx.Err()
}
