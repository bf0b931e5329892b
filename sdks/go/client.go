package stateset

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Client is the StateSet API: one service per resource (client.Orders.Pay(ctx, id,
// params)), plus GraphQL. It is safe for concurrent use.
type Client struct {
	Resources

	// Batch runs many requests in one call (batch.go).
	Batch *BatchService
	// Files uploads files, streamed, and reads them back (files.go).
	Files *FilesService

	apiKey     string
	baseURL    string
	timeout    time.Duration
	maxRetries int
	http       *http.Client
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL sets the server's root (the SDK adds /v1 and /graphql). The default (and
// what an empty baseURL leaves) is STATESET_BASE_URL, else DefaultBaseURL.
func WithBaseURL(baseURL string) Option {
	return func(c *Client) {
		if baseURL != "" {
			c.baseURL = strings.TrimRight(baseURL, "/")
		}
	}
}

// WithMaxRetries sets how many times a failed request is retried (0 for never).
func WithMaxRetries(n int) Option {
	return func(c *Client) {
		if n >= 0 {
			c.maxRetries = n
		}
	}
}

// WithTimeout bounds each attempt of a request (0 for no bound but the context's).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithHTTPClient sends requests through hc (its own Timeout, if any, applies too).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.http = hc }
}

// NewClient returns a client for apiKey (an sk_test_... or sk_live_... key; when empty,
// STATESET_API_KEY is used).
func NewClient(apiKey string, options ...Option) *Client {
	c := &Client{
		apiKey:     apiKey,
		baseURL:    strings.TrimRight(os.Getenv("STATESET_BASE_URL"), "/"),
		timeout:    DefaultTimeout,
		maxRetries: DefaultMaxRetries,
		http:       &http.Client{},
	}
	if c.apiKey == "" {
		c.apiKey = os.Getenv("STATESET_API_KEY")
	}
	if c.baseURL == "" {
		c.baseURL = DefaultBaseURL
	}
	for _, option := range options {
		option(c)
	}
	c.Resources = newResources(c)
	c.Batch = &BatchService{client: c}
	c.Files = &FilesService{client: c}
	return c
}

// request is one logical request: the same method, URL, headers (its idempotency key
// included) and body on every attempt.
type request struct {
	method         string
	url            string
	header         http.Header
	body           []byte
	maxRetries     int
	idempotencyKey string
	// upload, when set, makes each attempt's body afresh (files.go); body is unused.
	upload func() (io.Reader, error)
	// stream keeps a 2xx answer's body unread, for the caller to read and close.
	stream bool
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodDelete
}

func (c *Client) prepare(method, path string, query url.Values, payload interface{}, params *Params) (*request, error) {
	r := &request{
		method:     method,
		url:        c.baseURL + path,
		header:     http.Header{},
		maxRetries: c.maxRetries,
	}
	if parsed, err := url.Parse(r.url); err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return nil, fmt.Errorf("stateset: the base URL %q is not an http:// or https:// root", c.baseURL)
	}
	if len(query) > 0 {
		r.url += "?" + query.Encode()
	}
	apiKey := c.apiKey
	if params != nil && params.APIKey != nil {
		apiKey = *params.APIKey
	}
	if params != nil && params.MaxRetries != nil && *params.MaxRetries >= 0 {
		r.maxRetries = int(*params.MaxRetries)
	}
	if apiKey != "" {
		r.header.Set("Authorization", "Bearer "+apiKey)
	}
	r.header.Set("Accept", "application/json")
	r.header.Set("User-Agent", "stateset-go/"+Version)
	if isWrite(method) {
		r.idempotencyKey = newUUID4()
		if params != nil && params.IdempotencyKey != nil && *params.IdempotencyKey != "" {
			r.idempotencyKey = *params.IdempotencyKey
		}
		r.header.Set("Idempotency-Key", r.idempotencyKey)
	}
	if method == http.MethodPost || method == http.MethodPatch {
		r.body = []byte("{}")
		if payload != nil {
			body, err := json.Marshal(payload)
			if err != nil {
				return nil, fmt.Errorf("stateset: cannot encode the body of %s %s: %w", method, path, err)
			}
			r.body = body
		}
		r.header.Set("Content-Type", "application/json")
	}
	return r, nil
}

// send runs r until an answer is final or the retries are spent: the 2xx answer, or the
// error it carries, or a *ConnectionError when no answer came.
func (c *Client) send(ctx context.Context, r *request) (*LastResponse, error) {
	answer, _, err := c.sendStream(ctx, r)
	return answer, err
}

// sendStream is send, also answering a 2xx answer's unread body when r.stream is set.
func (c *Client) sendStream(ctx context.Context, r *request) (*LastResponse, io.ReadCloser, error) {
	for retry := 0; ; retry++ {
		answer, stream, failure := c.attempt(ctx, r)
		var delay time.Duration
		var again bool
		if stream != nil {
			return answer, stream, nil
		}
		if failure != nil {
			if ctx.Err() != nil {
				return nil, nil, &ConnectionError{Method: r.method, URL: r.url, Attempts: retry + 1, Err: ctx.Err()}
			}
			delay, again = failureDelay(r.maxRetries, retry)
			if !again {
				return nil, nil, &ConnectionError{Method: r.method, URL: r.url, Attempts: retry + 1, Err: failure}
			}
		} else {
			delay, again = answerDelay(r.maxRetries, retry, answer.HTTPStatus, answer.Header, answer.RawJSON)
			if !again {
				answer, err := read(answer)
				return answer, nil, err
			}
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, nil, &ConnectionError{Method: r.method, URL: r.url, Attempts: retry + 1, Err: err}
		}
	}
}

// attempt sends r once and reads its whole answer, within the client's timeout; with
// r.stream, a 2xx answer's body is handed back unread (see streamBody).
func (c *Client) attempt(parent context.Context, r *request) (*LastResponse, io.ReadCloser, error) {
	ctx := parent
	var cancel context.CancelFunc
	var idle *time.Timer
	switch {
	case r.stream && c.timeout > 0:
		// Bounds the wait for the answer, then each wait for the body's next chunk.
		ctx, cancel = context.WithCancel(ctx)
		idle = time.AfterFunc(c.timeout, cancel)
	case c.timeout > 0:
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
	default:
		ctx, cancel = context.WithCancel(ctx)
	}
	var body io.Reader
	if r.upload != nil {
		var err error
		if body, err = r.upload(); err != nil {
			cancel()
			return nil, nil, err
		}
	} else if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	req.Header = r.header.Clone()
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	answer := &LastResponse{
		RequestID:      resp.Header.Get("X-Request-Id"),
		HTTPStatus:     resp.StatusCode,
		Header:         resp.Header,
		IdempotencyKey: r.idempotencyKey,
	}
	if r.stream && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if idle != nil {
			idle.Stop()
		}
		return answer, &streamBody{body: resp.Body, r: r, parent: parent, ctx: ctx, cancel: cancel, idle: idle, timeout: c.timeout}, nil
	}
	defer cancel()
	defer resp.Body.Close()
	if answer.RawJSON, err = io.ReadAll(resp.Body); err != nil {
		return nil, nil, err
	}
	return answer, nil, nil
}

// streamBody is a 2xx answer's body read as it arrives: the client's timeout bounds each
// Read (restarted at each, stopped between them), not the whole body; a body cut or
// stalled mid-way is a *ConnectionError naming how much had arrived (never retried: the
// caller has those bytes already); Close ends the request.
type streamBody struct {
	body     io.ReadCloser
	r        *request
	parent   context.Context
	ctx      context.Context
	cancel   context.CancelFunc
	idle     *time.Timer
	timeout  time.Duration
	received int64
}

func (b *streamBody) Read(p []byte) (int, error) {
	if b.idle != nil {
		b.idle.Reset(b.timeout)
		defer b.idle.Stop()
	}
	n, err := b.body.Read(p)
	b.received += int64(n)
	if err != nil && err != io.EOF {
		if b.ctx.Err() != nil && b.parent.Err() == nil { // the idle timer, not the caller
			err = fmt.Errorf("nothing arrived within %s: %w", b.timeout, context.DeadlineExceeded)
		}
		return n, &ConnectionError{Method: b.r.method, URL: b.r.url, Attempts: 1, Err: err, Cut: true, Received: b.received}
	}
	return n, err
}

func (b *streamBody) Close() error {
	err := b.body.Close()
	if b.idle != nil {
		b.idle.Stop()
	}
	b.cancel()
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read returns a 2xx answer, or the error a non-2xx one carries.
func read(answer *LastResponse) (*LastResponse, error) {
	if answer.HTTPStatus >= 200 && answer.HTTPStatus < 300 {
		if !json.Valid(answer.RawJSON) {
			return nil, &Error{
				Type: ErrorTypeAPI, Message: "the answer is not JSON", RequestID: answer.RequestID,
				HTTPStatus: answer.HTTPStatus, Header: answer.Header,
			}
		}
		return answer, nil
	}
	return nil, errorOf(answer)
}

// errorOf is the Error a non-2xx answer carries: REST's {"error": {...}}, a GraphQL
// answer's first error, or an api_error naming the status when the body says nothing.
func errorOf(answer *LastResponse) *Error {
	var body struct {
		Error  map[string]interface{}   `json:"error"`
		Errors []map[string]interface{} `json:"errors"`
	}
	_ = json.Unmarshal(answer.RawJSON, &body)
	raw := body.Error
	if raw == nil && len(body.Errors) > 0 {
		raw = graphQLError(body.Errors[0])
	}
	if raw == nil {
		text := string(answer.RawJSON)
		if len(text) > 200 {
			text = text[:200]
		}
		raw = map[string]interface{}{
			"type":    string(ErrorTypeAPI),
			"message": fmt.Sprintf("HTTP %d: %s", answer.HTTPStatus, text),
		}
	}
	return errorFrom(raw, answer.HTTPStatus, answer.Header)
}

// call runs one request answering one object and decodes it into out. template is the
// route's path; its {...} parts are replaced by ids, in order.
func (c *Client) call(ctx context.Context, method, template string, ids []string, params *Params, payload interface{}, out lastResponseSetter) error {
	path, err := expand(template, ids)
	if err != nil {
		return err
	}
	r, err := c.prepare(method, path, nil, payload, params)
	if err != nil {
		return err
	}
	answer, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	return decode(answer, out)
}

// expand replaces each {name} of a route's path by the next id, escaped; an empty id
// is refused (it would name another route).
func expand(template string, ids []string) (string, error) {
	var b strings.Builder
	rest := template
	for _, id := range ids {
		open, end := strings.IndexByte(rest, '{'), strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			return "", fmt.Errorf("stateset: %s takes %d id(s), not %d", template, strings.Count(template, "{"), len(ids))
		}
		if id == "" {
			return "", fmt.Errorf("stateset: %s needs a non-empty %s", template, rest[open+1:end])
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(id))
		rest = rest[end+1:]
	}
	if strings.ContainsRune(rest, '{') {
		return "", fmt.Errorf("stateset: %s takes more ids than %d", template, len(ids))
	}
	b.WriteString(rest)
	return b.String(), nil
}

// newUUID4 is a random (version 4) UUID, the idempotency key of a write.
func newUUID4() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("stateset: no randomness for an idempotency key: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// decode reads a 2xx answer into out, with its LastResponse.
func decode(answer *LastResponse, out lastResponseSetter) error {
	if err := json.Unmarshal(answer.RawJSON, out); err != nil {
		return &Error{
			Type: ErrorTypeAPI, Message: "cannot decode the answer: " + err.Error(),
			RequestID: answer.RequestID, HTTPStatus: answer.HTTPStatus, Header: answer.Header,
		}
	}
	out.setLastResponse(answer)
	return nil
}
