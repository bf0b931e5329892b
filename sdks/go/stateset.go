// Package stateset is the Go client of the StateSet commerce API.
//
// A Client has one service per REST collection (client.Customers, client.Orders,
// client.Inventory, ...) whose methods take a context first, then the path's id if any,
// then a params struct (nil when there is nothing to say):
//
//	client := stateset.NewClient("sk_test_...", stateset.WithBaseURL("http://127.0.0.1:8000"))
//	order, err := client.Orders.Pay(ctx, orderID, &stateset.OrderPayParams{
//		Card: &stateset.CardParams{Number: stateset.String("4242424242424242"), ...},
//	})
//
// Every write carries an Idempotency-Key kept across its retries; connection failures,
// 409 IDEMPOTENCY_KEY_IN_USE, 429 and 5xx answers are retried with backoff. Errors are
// *Error (match kinds with errors.Is(err, stateset.ErrCard) or read fields after
// errors.As), or *ConnectionError when no answer came. Lists return an *Iter that fetches
// one page per request as it is walked. ConstructEvent verifies a webhook delivery.
//
// The resources, their params and the objects they return are generated from the API's
// manifest (the *_gen.go files); the rest is written by hand.
package stateset

import (
	"net/http"
	"time"
)

// Version is this SDK's version, sent in its User-Agent.
const Version = "0.1.0"

// String returns a pointer to v, for the optional fields of params structs.
func String(v string) *string { return &v }

// Int returns a pointer to v, for the optional integer fields of params structs.
func Int(v int64) *int64 { return &v }

// Bool returns a pointer to v, for the optional boolean fields of params structs.
func Bool(v bool) *bool { return &v }

// Float returns a pointer to v, for the optional number fields of params structs.
func Float(v float64) *float64 { return &v }

// Params are the per-request options every params struct embeds.
type Params struct {
	// IdempotencyKey replaces the key the SDK generates for a POST, PATCH or DELETE
	// (a UUID4, kept across the request's retries). Ignored on a GET.
	IdempotencyKey *string
	// APIKey replaces the client's API key for this request.
	APIKey *string
	// MaxRetries replaces the client's maximum number of retries for this request.
	MaxRetries *int64
}

// LastResponse is the answer an object came from.
type LastResponse struct {
	// RequestID is the answer's X-Request-Id (req_...).
	RequestID string
	// HTTPStatus is the answer's status code.
	HTTPStatus int
	// Header holds the answer's headers (Idempotent-Replayed among them).
	Header http.Header
	// IdempotencyKey is the key the request carried, if it was a write.
	IdempotencyKey string
	// RawJSON is the answer's body as it arrived.
	RawJSON []byte
}

// APIResource is embedded in every object the API returns: the answer it came from.
// Objects nested in another (an order's line items) have no LastResponse of their own.
type APIResource struct {
	LastResponse *LastResponse `json:"-"`
}

func (r *APIResource) setLastResponse(last *LastResponse) { r.LastResponse = last }

type lastResponseSetter interface {
	setLastResponse(*LastResponse)
}

// DefaultBaseURL is where a client sends requests unless told otherwise (or
// STATESET_BASE_URL says otherwise).
const DefaultBaseURL = "http://127.0.0.1:8000"

// DefaultTimeout bounds each attempt of a request.
const DefaultTimeout = 30 * time.Second

// DefaultMaxRetries is how many times a failed request is retried.
const DefaultMaxRetries = 2
