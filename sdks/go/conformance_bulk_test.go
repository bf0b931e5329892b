package stateset_test

// The conformance scenario's batch and files steps against the live server (skipped
// without one): a batch of three with one failing, an atomic batch refused whole naming
// its operation, and uploads (a few KB, and 5 MB streamed from a file) whose size,
// sha256 and contents match the bytes sent.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stateset/stateset-go"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestConformanceBatch(t *testing.T) {
	client := direct(t)
	ctx := context.Background()
	email := unique("batch") + "@batch.example"
	batch, err := client.Batch.Create(ctx, &stateset.BatchCreateParams{Operations: []stateset.BatchOperation{
		{Method: "POST", Path: "/v1/customers", Body: map[string]interface{}{"email": email}},
		{Method: "POST", Path: "/v1/customers", Body: &stateset.CustomerCreateParams{Email: stateset.String("not-an-email")}},
		{Method: "GET", Path: "/v1/customers?email_eq=" + url.QueryEscape(email)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if batch.Object != "batch" || batch.Atomic || len(batch.Results) != 3 {
		t.Fatalf("batch = %+v", batch)
	}
	statuses := []int{batch.Results[0].Status, batch.Results[1].Status, batch.Results[2].Status}
	if fmt.Sprint(statuses) != "[201 422 200]" {
		t.Fatalf("statuses %v", statuses)
	}
	created := batch.Results[0].Body
	if !strings.HasPrefix(fmt.Sprint(created["id"]), "cus_") || created["email"] != email {
		t.Errorf("created %v", created)
	}
	refused := batch.Results[1].Body["error"].(map[string]interface{})
	if refused["param"] != "email" {
		t.Errorf("refused %v", refused)
	}
	listed := batch.Results[2].Body["data"].([]interface{})
	if len(listed) != 1 || listed[0].(map[string]interface{})["id"] != created["id"] {
		t.Errorf("listed %v", listed)
	}
	if !strings.HasPrefix(batch.LastResponse.RequestID, "req_") {
		t.Errorf("request id %q", batch.LastResponse.RequestID)
	}
}

func TestConformanceAtomicBatchNamesItsFailureAndKeepsNothing(t *testing.T) {
	client := direct(t)
	ctx := context.Background()
	email := unique("atomic") + "@batch.example"
	_, err := client.Batch.Create(ctx, &stateset.BatchCreateParams{Atomic: stateset.Bool(true), Operations: []stateset.BatchOperation{
		{Method: "POST", Path: "/v1/customers", Body: map[string]interface{}{"email": email}},
		{Method: "POST", Path: "/v1/customers", Body: map[string]interface{}{"email": "not-an-email"}},
	}})
	var apiErr *stateset.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, stateset.ErrInvalidRequest) || apiErr.HTTPStatus != 422 {
		t.Fatalf("err = %#v", err)
	}
	if len(apiErr.Details) == 0 || apiErr.Details[0]["param"] != "operations[1]" {
		t.Errorf("details %v", apiErr.Details)
	}
	if !strings.HasPrefix(apiErr.RequestID, "req_") {
		t.Errorf("request id %q", apiErr.RequestID)
	}
	it := client.Customers.List(ctx, &stateset.CustomerListParams{EmailEq: stateset.String(email)})
	for it.Next() {
		t.Errorf("%s was created", it.Current().ID)
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
}

func contents(t *testing.T, client *stateset.Client, id string) []byte {
	t.Helper()
	body, err := client.Files.Contents(context.Background(), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConformanceUploadsMatchTheirBytes(t *testing.T) {
	client := direct(t)
	ctx := context.Background()
	var small bytes.Buffer
	for n := 0; n < 120; n++ {
		fmt.Fprintf(&small, "{\"email\": \"c%04d@files.example\"}\n", n)
	}
	file, err := client.Files.Create(ctx, &stateset.FileCreateParams{File: bytes.NewReader(small.Bytes()), Filename: "customers.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(file.ID, "file_") || file.Purpose != "bulk_input" || file.Filename != "customers.jsonl" ||
		file.Size != int64(small.Len()) || file.Sha256 != sha256Hex(small.Bytes()) {
		t.Fatalf("file = %+v", file)
	}
	if !strings.HasPrefix(file.LastResponse.RequestID, "req_") {
		t.Errorf("request id %q", file.LastResponse.RequestID)
	}
	got, err := client.Files.Retrieve(ctx, file.ID, nil)
	if err != nil || got.Sha256 != file.Sha256 {
		t.Fatalf("retrieved %+v, %v", got, err)
	}
	if !bytes.Equal(contents(t, client, file.ID), small.Bytes()) {
		t.Error("the contents differ from the bytes sent")
	}

	large := make([]byte, 5*1024*1024)
	if _, err := rand.Read(large); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "large.bin")
	if err := os.WriteFile(path, large, 0o600); err != nil {
		t.Fatal(err)
	}
	opened, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer opened.Close()
	byFile, err := client.Files.Create(ctx, &stateset.FileCreateParams{File: opened, Purpose: stateset.String("bulk_input")})
	if err != nil {
		t.Fatal(err)
	}
	if byFile.Filename != "large.bin" || byFile.Size != int64(len(large)) || byFile.Sha256 != sha256Hex(large) {
		t.Fatalf("file = %+v", byFile)
	}
	// A stream that cannot seek (sent once, through the pipe as it is read).
	stream := struct{ io.Reader }{bytes.NewReader(large)}
	byStream, err := client.Files.Create(ctx, &stateset.FileCreateParams{File: stream, Filename: "large.bin"})
	if err != nil {
		t.Fatal(err)
	}
	if byStream.Sha256 != byFile.Sha256 || byStream.Size != byFile.Size {
		t.Fatalf("file = %+v", byStream)
	}
	if !bytes.Equal(contents(t, client, byStream.ID), large) {
		t.Error("the contents differ from the bytes sent")
	}
	if _, err := client.Files.Retrieve(ctx, "file_missing", nil); !errors.Is(err, stateset.ErrNotFound) {
		t.Errorf("err = %v", err)
	}
}

// A 5 MB file read back as it arrives, hashed chunk by chunk (never whole in memory),
// on a client whose timeout is shorter than the whole read may take: it bounds each
// chunk's wait, not the download.
func TestConformanceContentsStreamChunkByChunk(t *testing.T) {
	client := direct(t, stateset.WithTimeout(2*time.Second))
	ctx := context.Background()
	large := make([]byte, 5*1024*1024)
	if _, err := rand.Read(large); err != nil {
		t.Fatal(err)
	}
	file, err := client.Files.Create(ctx, &stateset.FileCreateParams{File: bytes.NewReader(large), Filename: "large.bin"})
	if err != nil {
		t.Fatal(err)
	}
	body, err := client.Files.Contents(ctx, file.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	digest := sha256.New()
	buffer := make([]byte, 64*1024)
	reads := 0
	for {
		n, err := body.Read(buffer)
		digest.Write(buffer[:n])
		if n > 0 {
			reads++
		}
		if reads == 10 {
			time.Sleep(2500 * time.Millisecond) // longer than the timeout, between two reads
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d reads: %v", reads, err)
		}
	}
	if got := hex.EncodeToString(digest.Sum(nil)); got != file.Sha256 || got != sha256Hex(large) {
		t.Fatalf("sha256 %s, want %s", got, file.Sha256)
	}
	if reads < 80 {
		t.Errorf("%d reads of at most 64 KB for 5 MB", reads)
	}
	if _, err := client.Files.Contents(ctx, "file_missing", nil); !errors.Is(err, stateset.ErrNotFound) {
		t.Errorf("err = %v", err)
	}
}
