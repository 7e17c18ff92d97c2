// Command hello is the program of the private test image pullpolicy/hello: it prints one line
// that names its Pod (a Pod's hostname is its name), then waits until it is stopped, so that a
// Deployment of it stays Running.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	pod, err := os.Hostname()
	if err != nil {
		pod = "unknown"
	}
	fmt.Printf("hello from the private pullpolicy test image (pod %s) at %s\n",
		pod, time.Now().UTC().Format(time.RFC3339))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
