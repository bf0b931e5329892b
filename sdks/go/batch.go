package stateset

import "context"

// Written by hand beside the generated resources: /v1/batch is no route of the table the
// manifest is made from (each result's body is whatever that operation answered).

// BatchOperation is one operation of a batch: a /v1 route (with its query string), as
// that request alone would be made.
type BatchOperation struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Body is the route's body (a params struct, a map, or nil).
	Body interface{} `json:"body,omitempty"`
	// IdempotencyKey is this operation's own key.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// BatchCreateParams is the body of client.Batch.Create (POST /v1/batch).
type BatchCreateParams struct {
	Params `json:"-"`

	// Operations are 1 to 1,000 operations, answered in this order.
	Operations []BatchOperation `json:"operations"`
	// Atomic runs them in one transaction: the first failure is returned as its *Error
	// (its Details[0]["param"] naming operations[i]) and nothing is kept.
	Atomic *bool `json:"atomic,omitempty"`
}

// BatchResult is one operation's answer: its status and its body as plain data (the
// object, a list, or an error body {"error": {...}}).
type BatchResult struct {
	Status int                    `json:"status"`
	Body   map[string]interface{} `json:"body"`
}

// Batch is a batch's answer: one result per operation, in the order given.
type Batch struct {
	APIResource

	Object  string        `json:"object"`
	Atomic  bool          `json:"atomic"`
	Results []BatchResult `json:"results"`
}

// BatchService is client.Batch: /v1/batch.
type BatchService struct {
	client *Client
}

// Create runs up to 1,000 operations in one call: POST /v1/batch. Not atomic, each
// result is that request's own answer (a failure among them is no error of the call).
func (s *BatchService) Create(ctx context.Context, params *BatchCreateParams) (*Batch, error) {
	if params == nil {
		params = &BatchCreateParams{}
	}
	out := &Batch{}
	if err := s.client.call(ctx, "POST", "/v1/batch", nil, &params.Params, params, out); err != nil {
		return nil, err
	}
	return out, nil
}
