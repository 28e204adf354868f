package main

// Indexes that make lookups by _id use an index, kept for every collection
// FerretDB creates, now and later.
//
// FerretDB v1.24.2 pushes a filter that is exactly {_id: <string or
// ObjectId>} down to SQL, but its own indexes do not serve it:
//
//   - SQLite: the query is `WHERE _ferretdb_sjson->'$._id' = ?`, while
//     FerretDB indexes `_ferretdb_sjson->"_id"`; SQLite uses an expression
//     index only for the same expression, so every lookup by _id reads the
//     whole table (1.3 s at 100,000 cases).
//   - PostgreSQL: the query is `_jsonb->'_id' @> $1`, which FerretDB's btree
//     indexes cannot serve; a GIN index on the same expression can.
//
// So the launcher adds, idempotently and without changing FerretDB's
// metadata, one index per table on exactly the expression of that query:
// at start and then every second for tables created since. A query is
// correct without it (it only scans); FerretDB never lists these indexes,
// and dropping a collection drops its table and the index with it.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"
)

const lookupIndexSuffix = "_qf_id"

// keepLookupIndexes runs until ctx ends.
func keepLookupIndexes(ctx context.Context, handler, sqliteDir, postgresURL string, logger *slog.Logger) {
	done := map[string]bool{}
	for {
		var err error
		switch handler {
		case "sqlite":
			err = sqliteLookupIndexes(ctx, sqliteDir, done)
		case "postgresql":
			err = postgresLookupIndexes(ctx, postgresURL, done)
		}
		if err != nil && ctx.Err() == nil {
			logger.Warn("lookup indexes not (yet) created; trying again", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func sqliteLookupIndexes(ctx context.Context, dir string, done map[string]bool) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return err
	}
	var firstErr error
	for _, file := range files {
		if err := sqliteFileLookupIndexes(ctx, file, done); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// A database being created may not have FerretDB's metadata table yet: that
// is an error for this pass only.
func sqliteFileLookupIndexes(ctx context.Context, file string, done map[string]bool) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := queryStrings(ctx, db, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	for _, table := range tables {
		key := file + "\x00" + table
		if done[key] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+lookupIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s %s: %w", filepath.Base(file), table, err)
		}
		done[key] = true
	}
	return nil
}

func postgresLookupIndexes(ctx context.Context, url string, done map[string]bool) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// Each FerretDB database is a schema with a metadata table naming its collections' tables.
	rows, err := conn.Query(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'`)
	if err != nil {
		return err
	}
	schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, schema := range schemas {
		rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT _jsonb->>'table' FROM %s._ferretdb_database_metadata`, pgx.Identifier{schema}.Sanitize()))
		if err != nil {
			return err
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, table := range tables {
			key := schema + "\x00" + table
			if done[key] {
				continue
			}
			// CONCURRENTLY: a large existing table keeps taking writes while the index is built.
			q := fmt.Sprintf(`CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s USING gin ((_jsonb->'_id') jsonb_path_ops)`,
				pgx.Identifier{table + lookupIndexSuffix}.Sanitize(), pgx.Identifier{schema, table}.Sanitize())
			if _, err := conn.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s.%s: %w", schema, table, err)
			}
			done[key] = true
		}
	}
	return nil
}

func queryStrings(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var values []string
	for rows.Next() {
		var value string
		if err := rows.Scan(&value); err != nil {
			return nil, err
		}
		values = append(values, value)
	}
	return values, rows.Err()
}
