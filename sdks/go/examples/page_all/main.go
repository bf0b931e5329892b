// Pages every order of the account, 100 a request, and prints one JSON line:
// {"count": N, "seconds": S}.
//
//	STATESET_API_KEY=sk_test_... STATESET_BASE_URL=http://127.0.0.1:8000 go run .
package main

import (
	"context"
	"encoding/json"
	"log"
	"os"
	"time"

	"github.com/stateset/stateset-go"
)

func main() {
	client := stateset.NewClient(
		os.Getenv("STATESET_API_KEY"),
		stateset.WithBaseURL(os.Getenv("STATESET_BASE_URL")),
	)
	started := time.Now()
	count := 0
	it := client.Orders.List(context.Background(), &stateset.OrderListParams{Limit: stateset.Int(100)})
	for it.Next() {
		count++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	line, err := json.Marshal(map[string]interface{}{
		"count":   count,
		"seconds": time.Since(started).Seconds(),
	})
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.Write(append(line, '\n'))
}
