package stateset

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// Page is one page of a list, as REST answers it.
type Page[T any] struct {
	Object     string `json:"object"`
	URL        string `json:"url"`
	Data       []*T   `json:"data"`
	HasMore    bool   `json:"has_more"`
	NextCursor string `json:"next_cursor"`
	// TotalCount is set when the list was asked with IncludeTotal.
	TotalCount *int64 `json:"total_count"`

	LastResponse *LastResponse `json:"-"`
}

// Iter walks a list across its pages, fetching each page only when the one before is
// used up (the first when Next or Page is first called):
//
//	it := client.Customers.List(ctx, &stateset.CustomerListParams{Limit: stateset.Int(100)})
//	for it.Next() {
//		customer := it.Current()
//	}
//	if err := it.Err(); err != nil { ... }
type Iter[T any] struct {
	fetch   func(cursor string) (*Page[T], error)
	page    *Page[T]
	index   int
	current *T
	err     error
}

// Next advances to the next object, fetching the next page when needed; false at the
// end of the list or on an error (see Err).
func (it *Iter[T]) Next() bool {
	if it.err != nil {
		return false
	}
	if it.page == nil && !it.load("") {
		return false
	}
	for it.index >= len(it.page.Data) {
		if !it.page.HasMore || it.page.NextCursor == "" {
			it.current = nil
			return false
		}
		if !it.load(it.page.NextCursor) {
			return false
		}
	}
	it.current = it.page.Data[it.index]
	it.index++
	return true
}

// Current is the object Next moved to.
func (it *Iter[T]) Current() *T { return it.current }

// Err is the error that stopped Next, if any.
func (it *Iter[T]) Err() error { return it.err }

// Page is the page Next is walking: the first page (fetched now if Next was not called
// yet), then each following one.
func (it *Iter[T]) Page() (*Page[T], error) {
	if it.page == nil && it.err == nil {
		it.load("")
	}
	return it.page, it.err
}

func (it *Iter[T]) load(cursor string) bool {
	page, err := it.fetch(cursor)
	if err != nil {
		it.err = err
		it.current = nil
		return false
	}
	it.page, it.index = page, 0
	return true
}

// newIter is the iterator of a list route: the first page with query, each next one with
// the same filters, sort and limit at the cursor the previous page gave.
func newIter[T any](ctx context.Context, c *Client, template string, ids []string, params *Params, query url.Values) *Iter[T] {
	return &Iter[T]{fetch: func(cursor string) (*Page[T], error) {
		path, err := expand(template, ids)
		if err != nil {
			return nil, err
		}
		q := url.Values{}
		for name, values := range query {
			q[name] = values
		}
		if cursor != "" {
			q.Del("offset")
			q.Del("page")
			q.Set("cursor", cursor)
		}
		r, err := c.prepare(http.MethodGet, path, q, nil, params)
		if err != nil {
			return nil, err
		}
		answer, err := c.send(ctx, r)
		if err != nil {
			return nil, err
		}
		page := &Page[T]{}
		if err := json.Unmarshal(answer.RawJSON, page); err != nil {
			return nil, &Error{
				Type: ErrorTypeAPI, Message: "cannot decode the list: " + err.Error(),
				RequestID: answer.RequestID, HTTPStatus: answer.HTTPStatus, Header: answer.Header,
			}
		}
		page.LastResponse = answer
		for _, item := range page.Data {
			if setter, ok := interface{}(item).(lastResponseSetter); ok {
				setter.setLastResponse(answer)
			}
		}
		return page, nil
	}}
}
