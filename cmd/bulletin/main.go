// Command bulletin publishes an infrastructure team's monthly operations
// reports and its status page from one repository. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/bulletin-dev/bulletin/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
