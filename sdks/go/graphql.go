package stateset

import (
	"context"
	"encoding/json"
	"net/http"
)

// GraphQL runs one GraphQL operation at /graphql and decodes its data into out (a
// pointer, or nil to discard it). The first of the answer's errors is returned as the
// REST routes return theirs (*Error, matched with errors.Is and errors.As). Every
// operation is a POST carrying an Idempotency-Key, retried as a REST write is (a
// mutation happens once).
func (c *Client) GraphQL(ctx context.Context, query string, variables map[string]interface{}, out interface{}) error {
	return c.GraphQLWithParams(ctx, query, variables, out, nil)
}

// GraphQLWithParams is GraphQL with per-request options (your own IdempotencyKey, another
// APIKey, MaxRetries).
func (c *Client) GraphQLWithParams(ctx context.Context, query string, variables map[string]interface{}, out interface{}, params *Params) error {
	payload := map[string]interface{}{"query": query}
	if variables != nil {
		payload["variables"] = variables
	}
	r, err := c.prepare(http.MethodPost, "/graphql", nil, payload, params)
	if err != nil {
		return err
	}
	answer, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	var body struct {
		Data   json.RawMessage          `json:"data"`
		Errors []map[string]interface{} `json:"errors"`
	}
	if err := json.Unmarshal(answer.RawJSON, &body); err != nil {
		return &Error{
			Type: ErrorTypeAPI, Message: "the GraphQL answer is not an object",
			RequestID: answer.RequestID, HTTPStatus: answer.HTTPStatus, Header: answer.Header,
		}
	}
	if len(body.Errors) > 0 {
		raw := graphQLError(body.Errors[0])
		status := answer.HTTPStatus
		if s, ok := raw["status"].(float64); ok {
			status = int(s)
		}
		return errorFrom(raw, status, answer.Header)
	}
	if len(body.Data) == 0 || string(body.Data) == "null" {
		return &Error{
			Type: ErrorTypeAPI, Message: "the GraphQL answer has no data",
			RequestID: answer.RequestID, HTTPStatus: answer.HTTPStatus, Header: answer.Header,
		}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body.Data, out); err != nil {
		return &Error{
			Type: ErrorTypeAPI, Message: "cannot decode the GraphQL data: " + err.Error(),
			RequestID: answer.RequestID, HTTPStatus: answer.HTTPStatus, Header: answer.Header,
		}
	}
	return nil
}

// graphQLError is one GraphQL error as an API error object: its extensions (code, type,
// status, param, details, request_id) and its message.
func graphQLError(e map[string]interface{}) map[string]interface{} {
	raw := map[string]interface{}{}
	if extensions, ok := e["extensions"].(map[string]interface{}); ok {
		for k, v := range extensions {
			raw[k] = v
		}
	}
	raw["message"] = e["message"]
	return raw
}
