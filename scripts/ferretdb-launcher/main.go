// Command ferretdb-launcher runs FerretDB v1 (embedded through its ferretdb
// package) for Qingfeng's development and test databases.
//
// It listens on loopback only, prints one line "READY <mongodb-uri>" on stdout
// once it accepts connections, and stops cleanly on SIGTERM, SIGINT or when
// its standard input closes, so that it never outlives the portal that
// started it. It also keeps, on every table, the index that lets a lookup by
// _id use an index at all (lookup_indexes.go says why).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	handler := flag.String("handler", "sqlite", "storage backend: sqlite or postgresql")
	sqliteDir := flag.String("sqlite-dir", "data/db", "directory for the SQLite backend")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL for the postgresql backend")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "stop when standard input closes")
	lookupIndexes := flag.Bool("lookup-indexes", true, "keep an index that serves lookups by _id on every table (see lookup_indexes.go); false only to measure without")
	flag.Parse()

	if err := run(*listen, *handler, *sqliteDir, *postgresURL, *logLevel, *watchStdin, *lookupIndexes); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-launcher:", err)
		os.Exit(1)
	}
}

func run(listen, handler, sqliteDir, postgresURL, logLevel string, watchStdin, lookupIndexes bool) error {
	if err := requireLoopback(listen); err != nil {
		return err
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("bad -log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: listen},
		Logger:   logger,
		Handler:  handler,
	}
	switch handler {
	case "sqlite":
		if err := os.MkdirAll(sqliteDir, 0o700); err != nil {
			return err
		}
		config.SQLiteURL = "file:" + sqliteDir + "/"
	case "postgresql":
		if postgresURL == "" {
			return fmt.Errorf("-postgresql-url is required with -handler postgresql")
		}
		config.PostgreSQLURL = postgresURL
	default:
		return fmt.Errorf("unknown -handler %q (sqlite or postgresql)", handler)
	}

	f, err := ferretdb.New(config)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI waits until the listener is bound, so READY means "accepting".
	fmt.Println("READY " + f.MongoDBURI())
	if lookupIndexes {
		go keepLookupIndexes(ctx, handler, sqliteDir, postgresURL, logger)
	}

	return <-done
}

// requireLoopback refuses any address that is not on the loopback interface:
// the database must never be reachable from the network.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad -listen %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("-listen %q is not a loopback address", addr)
}
