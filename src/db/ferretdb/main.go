// Command ferretdb starts FerretDB 1.24 embedded on SQLite, for tests and the
// sandbox. `go install` of FerretDB's own command panics (it needs a version
// file that the module download lacks), so we start its embeddable package.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27018", "TCP address to listen on")
	dir := flag.String("dir", "", "existing directory for the SQLite files")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: -dir is required (the in-memory mode hangs on concurrent updates)")
		os.Exit(2)
	}
	// Immediate transactions wait for the writer lock instead of failing with SQLITE_BUSY half-way
	// through FerretDB's read-then-write; normal sync is safe against process crashes (WAL), which
	// is what the sandbox and tests need.
	url := "file:" + *dir + "/?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=synchronous(normal)"

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: url,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// The parent holds our stdin open; when it dies, even by SIGKILL, stdin
	// closes and we stop too, so no orphan keeps the port or the files.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	// The parent process waits for this line before connecting.
	fmt.Println("ready", f.MongoDBURI())
	if err := <-done; err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
