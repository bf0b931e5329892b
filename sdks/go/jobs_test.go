package stateset

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// inParts answers a 200 written in parts, each flushed as a chunk of its own.
func inParts(t *testing.T, parts ...string) *httptest.Server {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, part := range parts {
			io.WriteString(w, part)
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
		}
	}))
	t.Cleanup(server.Close)
	return server
}

func TestJobResultsAreReadALineAtATimeASplitLineToo(t *testing.T) {
	server := inParts(t, `{"line": 1, "data": {}}`+"\n"+`{"line": 2, "err`, `or": {"type": "invalid_request_error", "code": "X"}}`+"\n\n", `{"line": 3}`)
	results := NewClient("sk_test_x", WithBaseURL(server.URL)).Jobs.Results(context.Background(), "job_1", nil)
	var lines []int64
	var codes []string
	for results.Next() {
		var result JobLineResult
		if err := results.Decode(&result); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, result.Line)
		if result.Error != nil {
			codes = append(codes, result.Error.Code)
			if !errors.Is(result.Error, ErrInvalidRequest) {
				t.Errorf("line error %v", result.Error)
			}
		}
	}
	if results.Err() != nil || len(lines) != 3 || lines[2] != 3 || strings.Join(codes, ",") != "X" {
		t.Fatalf("lines %v, codes %v, err %v", lines, codes, results.Err())
	}
	if results.Next() {
		t.Error("Next after the end")
	}

	bad := NewClient("sk_test_x", WithBaseURL(inParts(t, "{\"line\": 1}\n<html>\n").URL)).Jobs.Results(context.Background(), "job_1", nil)
	if !bad.Next() || bad.Next() {
		t.Fatal("want one line, then a stop")
	}
	var apiErr *Error
	if !errors.As(bad.Err(), &apiErr) || !strings.Contains(apiErr.Message, "line 2 of the results is not a JSON object") {
		t.Errorf("err = %v", bad.Err())
	}
}
