package stateset

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const fileJSON = `{"id":"file_1","object":"file","purpose":"bulk_input","filename":"a.jsonl","size":4000,"sha256":"x","created":"2026-01-01T00:00:00Z","expires_at":"2026-01-08T00:00:00Z","livemode":false}`

// dropping is an API that reads each upload whole, then drops the connection of the
// first one without an answer and answers the others 201.
func dropping(t *testing.T) (*httptest.Server, func() ([]http.Header, []string)) {
	var mu sync.Mutex
	var headers []http.Header
	var bodies []string
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		bodies = append(bodies, string(body))
		first := len(headers) == 1
		mu.Unlock()
		if first {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		io.WriteString(w, fileJSON)
	}))
	t.Cleanup(server.Close)
	return server, func() ([]http.Header, []string) {
		mu.Lock()
		defer mu.Unlock()
		return headers, bodies
	}
}

func TestAnUploadThatCanSeekIsRetriedWholeWithOneKey(t *testing.T) {
	server, seen := dropping(t)
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	data := strings.Repeat("abc\n", 1000)
	file, err := client.Files.Create(context.Background(), &FileCreateParams{
		File: bytes.NewReader([]byte(data)), Filename: "a.jsonl",
	})
	if err != nil || file.ID != "file_1" {
		t.Fatalf("file = %+v, err = %v", file, err)
	}
	headers, bodies := seen()
	if len(bodies) != 2 {
		t.Fatalf("%d attempts, want 2", len(bodies))
	}
	if headers[0].Get("Idempotency-Key") == "" || headers[0].Get("Idempotency-Key") != headers[1].Get("Idempotency-Key") {
		t.Errorf("keys %q and %q", headers[0].Get("Idempotency-Key"), headers[1].Get("Idempotency-Key"))
	}
	for i, body := range bodies {
		if !strings.Contains(body, data) || !strings.Contains(body, "name=\"purpose\"\r\n\r\nbulk_input") {
			t.Errorf("attempt %d did not send the whole form: %d bytes", i+1, len(body))
		}
	}
	if !strings.HasPrefix(headers[1].Get("Content-Type"), "multipart/form-data; boundary=") {
		t.Errorf("Content-Type %q", headers[1].Get("Content-Type"))
	}
}

func TestAnUploadFromAStreamIsSentOnce(t *testing.T) {
	server, seen := dropping(t)
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	stream := struct{ io.Reader }{strings.NewReader(strings.Repeat("abc\n", 1000))} // cannot seek
	_, err := client.Files.Create(context.Background(), &FileCreateParams{File: stream})
	var conn *ConnectionError
	if !errors.As(err, &conn) || conn.Attempts != 1 {
		t.Fatalf("err = %#v, want a *ConnectionError after 1 attempt", err)
	}
	if _, bodies := seen(); len(bodies) != 1 {
		t.Errorf("%d attempts, want 1", len(bodies))
	}
}

// sixBytes answers a 200 promising 100 bytes, sends 6, then closes the connection (cut)
// or holds it open past the client's timeout (stall).
func sixBytes(t *testing.T, stall bool) *httptest.Server {
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		io.WriteString(w, "abcdef")
		w.(http.Flusher).Flush()
		if stall {
			<-release
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(func() { close(release); server.Close() })
	return server
}

func TestAStreamedBodyCutOrStalledMidWayIsAConnectionErrorNamingWhatArrived(t *testing.T) {
	for _, stall := range []bool{false, true} {
		client := NewClient("sk_test_x", WithBaseURL(sixBytes(t, stall).URL), WithTimeout(300*time.Millisecond))
		body, err := client.Files.Contents(context.Background(), "file_1", nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(body)
		body.Close()
		var conn *ConnectionError
		if string(got) != "abcdef" || !errors.As(err, &conn) || !conn.Cut || conn.Received != 6 || !errors.Is(err, ErrConnection) {
			t.Fatalf("stall %v: read %q, err %#v", stall, got, err)
		}
		if stall != errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("stall %v: err %v", stall, err)
		}
		if !strings.Contains(err.Error(), "was cut after 6 bytes") {
			t.Errorf("message %q", err)
		}
	}
}
