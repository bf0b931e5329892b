package stateset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Written by hand beside the generated JobsService (Create, List, Retrieve, Cancel): a
// job's results are JSONL, streamed, no route of the table the manifest is made from;
// they are read here a line at a time as they arrive, never whole in memory.

// JobWaitInterval is how often Wait retrieves a job.
const JobWaitInterval = 500 * time.Millisecond

// Results walks the job's results as they arrive, one JSON object a line: GET
// /v1/jobs/{id}/results, requested when Next is first called. For a bulk mutation each
// line decodes into a JobLineResult (its input line's data, or its error); for a bulk
// query each is one node. A running job's results are those recorded so far.
//
//	results := client.Jobs.Results(ctx, job.ID, nil)
//	defer results.Close()
//	for results.Next() {
//		var result stateset.JobLineResult
//		if err := results.Decode(&result); err != nil { ... }
//	}
//	if err := results.Err(); err != nil { ... }
func (s *JobsService) Results(ctx context.Context, id string, params *Params) *JobResults {
	return &JobResults{open: func() (*LastResponse, io.ReadCloser, error) {
		path, err := expand("/v1/jobs/{id}/results", []string{id})
		if err != nil {
			return nil, nil, err
		}
		r, err := s.client.prepare("GET", path, nil, nil, params)
		if err != nil {
			return nil, nil, err
		}
		r.stream = true
		return s.client.sendStream(ctx, r)
	}}
}

// Wait retrieves the job every JobWaitInterval until it has ended (succeeded, failed or
// cancelled) and returns it; bound the wait with ctx's deadline (the error is then
// ctx's, wrapped).
func (s *JobsService) Wait(ctx context.Context, id string, params *JobRetrieveParams) (*Job, error) {
	for {
		job, err := s.Retrieve(ctx, id, params)
		if err != nil {
			return nil, err
		}
		switch job.Status {
		case JobStatusSucceeded, JobStatusFailed, JobStatusCancelled:
			return job, nil
		}
		if err := sleep(ctx, JobWaitInterval); err != nil {
			return job, fmt.Errorf("stateset: job %s is still %s (%d of %d lines processed): %w",
				job.ID, job.Status, job.Processed, job.Total, err)
		}
	}
}

// JobResults walks a job's results, a line at a time (see JobsService.Results).
type JobResults struct {
	open    func() (*LastResponse, io.ReadCloser, error)
	answer  *LastResponse
	body    io.ReadCloser
	reader  *bufio.Reader
	number  int
	current json.RawMessage
	err     error
	done    bool
}

// Next advances to the next line, sending the request first if it was not sent yet;
// false at the end or on an error (see Err). The body is closed at the end.
func (r *JobResults) Next() bool {
	if r.done {
		return false
	}
	if r.reader == nil {
		answer, body, err := r.open()
		if err != nil {
			return r.stop(err)
		}
		r.answer, r.body, r.reader = answer, body, bufio.NewReader(body)
	}
	for {
		line, err := r.reader.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			r.number++
			if !json.Valid(line) || bytes.TrimSpace(line)[0] != '{' {
				return r.stop(&Error{
					Type: ErrorTypeAPI, Message: fmt.Sprintf("line %d of the results is not a JSON object", r.number),
					RequestID: r.answer.RequestID, HTTPStatus: r.answer.HTTPStatus, Header: r.answer.Header,
				})
			}
			r.current = json.RawMessage(bytes.TrimSpace(line))
			return true
		}
		if err == io.EOF {
			return r.stop(nil)
		}
		if err != nil {
			return r.stop(err)
		}
	}
}

func (r *JobResults) stop(err error) bool {
	r.err, r.done, r.current = err, true, nil
	r.Close()
	return false
}

// Current is the line Next moved to, as the API sent it.
func (r *JobResults) Current() json.RawMessage { return r.current }

// Decode decodes the line Next moved to into v (a *JobLineResult for a bulk mutation's
// results, a node's own struct or a map for a bulk query's).
func (r *JobResults) Decode(v interface{}) error {
	if r.current == nil {
		return fmt.Errorf("stateset: no line to decode (call Next first)")
	}
	return json.Unmarshal(r.current, v)
}

// Err is the error that stopped Next, if any: the request's, or a *ConnectionError with
// Cut when the body stopped mid-way.
func (r *JobResults) Err() error { return r.err }

// LastResponse is the answer the results came in (nil before the first Next).
func (r *JobResults) LastResponse() *LastResponse { return r.answer }

// Close ends the request (needed only when stopping before Next returned false).
func (r *JobResults) Close() error {
	r.done = true
	if r.body == nil {
		return nil
	}
	body := r.body
	r.body = nil
	return body.Close()
}

// JobLineResult is one line of a bulk mutation's results: its input line (from 1), and
// the mutation's data, or its error (as that request alone would have had it: match it
// with errors.Is and errors.As).
type JobLineResult struct {
	Line  int64                  `json:"line"`
	Data  map[string]interface{} `json:"data"`
	Error *Error                 `json:"-"`
}

// UnmarshalJSON reads the line's error into an *Error.
func (l *JobLineResult) UnmarshalJSON(b []byte) error {
	var raw struct {
		Line  int64                  `json:"line"`
		Data  map[string]interface{} `json:"data"`
		Error map[string]interface{} `json:"error"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	l.Line, l.Data, l.Error = raw.Line, raw.Data, nil
	if raw.Error != nil {
		l.Error = errorFrom(raw.Error, 0, nil)
	}
	return nil
}
