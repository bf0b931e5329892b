package stateset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// stub is an API that answers each request with the next of its answers (the last one
// once they run out), and records what it was sent.
type stub struct {
	mu      sync.Mutex
	answers []answer
	seen    []*http.Request
	bodies  []string
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func newStub(t *testing.T, answers ...answer) (*stub, *httptest.Server) {
	s := &stub{answers: answers}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.seen)
		s.seen = append(s.seen, r)
		s.bodies = append(s.bodies, string(body))
		a := s.answers[len(s.answers)-1]
		if n < len(s.answers) {
			a = s.answers[n]
		}
		s.mu.Unlock()
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", fmt.Sprintf("req_stub_%d", n+1))
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(server.Close)
	return s, server
}

func (s *stub) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.seen...)
}

const customer = `{"id":"cus_1","object":"customer","email":"a@example.com","created":"2026-01-01T00:00:00.123456Z"}`

func TestAWriteKeepsOneIdempotencyKeyAcrossItsRetries(t *testing.T) {
	s, server := newStub(t, answer{503, nil, `{"error":{"type":"api_error","code":"INTERNAL_ERROR"}}`},
		answer{409, nil, `{"error":{"type":"invalid_request_error","code":"IDEMPOTENCY_KEY_IN_USE"}}`},
		answer{201, nil, customer})
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	got, err := client.Customers.Create(context.Background(), &CustomerCreateParams{Email: String("a@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	seen := s.requests()
	if len(seen) != 3 {
		t.Fatalf("%d requests, want 3", len(seen))
	}
	key := seen[0].Header.Get("Idempotency-Key")
	for _, r := range seen {
		if r.Header.Get("Idempotency-Key") != key || r.Method != "POST" || r.URL.Path != "/v1/customers" {
			t.Errorf("a retry differs: %s %s key %s (first key %s)", r.Method, r.URL.Path, r.Header.Get("Idempotency-Key"), key)
		}
		if r.Header.Get("Authorization") != "Bearer sk_test_x" {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
	}
	if s.bodies[0] != `{"email":"a@example.com"}` || s.bodies[2] != s.bodies[0] {
		t.Errorf("bodies = %q", s.bodies)
	}
	if got.ID != "cus_1" || got.LastResponse.RequestID != "req_stub_3" || got.LastResponse.IdempotencyKey != key ||
		got.LastResponse.HTTPStatus != 201 {
		t.Errorf("customer = %+v, last response %+v", got, got.LastResponse)
	}
	if got.Created.Nanosecond() != 123456000 {
		t.Errorf("created = %v", got.Created)
	}
}

func TestACallersOwnKeyAndOptionsWin(t *testing.T) {
	s, server := newStub(t, answer{200, nil, customer})
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	params := &CustomerUpdateParams{Name: String("Ada")}
	params.IdempotencyKey = String("mine")
	params.APIKey = String("sk_test_other")
	if _, err := client.Customers.Update(context.Background(), "cus_1", params); err != nil {
		t.Fatal(err)
	}
	r := s.requests()[0]
	if r.Header.Get("Idempotency-Key") != "mine" || r.Header.Get("Authorization") != "Bearer sk_test_other" ||
		r.Method != "PATCH" || r.URL.Path != "/v1/customers/cus_1" {
		t.Errorf("sent %s %s with %v", r.Method, r.URL.Path, r.Header)
	}
	if _, err := client.Customers.Retrieve(context.Background(), "cus_1", nil); err != nil {
		t.Fatal(err)
	}
	if r := s.requests()[1]; r.Header.Get("Idempotency-Key") != "" || r.ContentLength > 0 {
		t.Error("a GET carries an idempotency key or a body")
	}
}

func TestA429IsWaitedOutForItsRetryAfter(t *testing.T) {
	limited := `{"error":{"type":"rate_limit_error","code":"RATE_LIMIT_EXCEEDED","details":[{"param":"burst"}]}}`
	s, server := newStub(t, answer{429, map[string]string{"Retry-After": "1"}, limited}, answer{200, nil, customer})
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	started := time.Now()
	if _, err := client.Customers.Retrieve(context.Background(), "cus_1", nil); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited < time.Second {
		t.Errorf("retried after %v, before the Retry-After", waited)
	}
	if len(s.requests()) != 2 {
		t.Errorf("%d requests", len(s.requests()))
	}
	_, server = newStub(t, answer{429, map[string]string{"Retry-After": "1"}, limited})
	_, err := NewClient("sk_test_x", WithBaseURL(server.URL), WithMaxRetries(0)).Account.Retrieve(context.Background(), nil)
	var apiErr *Error
	if !errors.Is(err, ErrRateLimit) || !errors.As(err, &apiErr) || apiErr.Limit != "burst" || apiErr.RequestID != "req_stub_1" {
		t.Errorf("err = %v", err)
	}
}

func TestNoAnswerAtAllIsAConnectionError(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close() // nothing listens there now
	client := NewClient("sk_test_x", WithBaseURL("http://"+address), WithMaxRetries(1))
	_, err = client.Account.Retrieve(context.Background(), nil)
	var conn *ConnectionError
	if !errors.Is(err, ErrConnection) || !errors.As(err, &conn) || conn.Attempts != 2 {
		t.Errorf("err = %#v", err)
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		t.Error("a connection error is an *Error")
	}
}

func TestASlowAnswerTimesOutAndIsRetried(t *testing.T) {
	var calls int
	var mu sync.Mutex
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			time.Sleep(300 * time.Millisecond)
		}
		io.WriteString(w, customer)
	}))
	t.Cleanup(server.Close)
	client := NewClient("sk_test_x", WithBaseURL(server.URL), WithTimeout(100*time.Millisecond))
	if _, err := client.Customers.Retrieve(context.Background(), "cus_1", nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := client.Customers.Retrieve(ctx, "cus_1", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context gives %v", err)
	}
}

func TestListsFetchOnePagePerRequestAsTheyAreWalked(t *testing.T) {
	page := func(ids []string, next string) answer {
		data := make([]string, len(ids))
		for i, id := range ids {
			data[i] = fmt.Sprintf(`{"id":%q,"object":"customer"}`, id)
		}
		cursor := "null"
		if next != "" {
			cursor = fmt.Sprintf("%q", next)
		}
		return answer{200, nil, fmt.Sprintf(`{"object":"list","url":"/v1/customers","data":[%s],"has_more":%v,"next_cursor":%s}`,
			strings.Join(data, ","), next != "", cursor)}
	}
	s, server := newStub(t, page([]string{"c1", "c2"}, "k2"), page([]string{"c3", "c4"}, "k3"), page([]string{"c5"}, ""))
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	it := client.Customers.List(context.Background(), &CustomerListParams{Limit: Int(2), EmailLike: String("%@x"), Offset: Int(0)})
	if len(s.requests()) != 0 {
		t.Fatal("List fetched before it was walked")
	}
	first, err := it.Page()
	if err != nil || len(first.Data) != 2 || !first.HasMore || first.NextCursor != "k2" || first.LastResponse.RequestID != "req_stub_1" {
		t.Fatalf("first page = %+v, %v", first, err)
	}
	var ids []string
	for it.Next() {
		ids = append(ids, it.Current().ID)
		if len(ids) == 2 && len(s.requests()) != 1 {
			t.Error("the next page was fetched ahead")
		}
		if it.Current().LastResponse == nil {
			t.Error("an item has no LastResponse")
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "c1,c2,c3,c4,c5" {
		t.Errorf("ids = %v", ids)
	}
	seen := s.requests()
	if len(seen) != 3 {
		t.Fatalf("%d requests, want 3", len(seen))
	}
	queries := []string{seen[0].URL.RawQuery, seen[1].URL.RawQuery, seen[2].URL.RawQuery}
	want := []string{"email_like=%25%40x&limit=2&offset=0", "cursor=k2&email_like=%25%40x&limit=2", "cursor=k3&email_like=%25%40x&limit=2"}
	for i := range want {
		if queries[i] != want[i] {
			t.Errorf("request %d asked %s, want %s", i+1, queries[i], want[i])
		}
	}
	if it.Next() {
		t.Error("Next after the end")
	}
}

func TestAListsErrorStopsTheIterator(t *testing.T) {
	_, server := newStub(t, answer{401, nil, `{"error":{"type":"authentication_error","code":"INVALID_API_KEY"}}`})
	it := NewClient("sk_test_nope", WithBaseURL(server.URL)).Orders.List(context.Background(), nil)
	if it.Next() || !errors.Is(it.Err(), ErrAuthentication) || it.Current() != nil {
		t.Errorf("Next walked on, err %v", it.Err())
	}
}

func TestGraphQLDecodesDataAndRaisesTheRESTKinds(t *testing.T) {
	s, server := newStub(t,
		answer{200, nil, `{"data":{"customer":{"id":"cus_1","email":"a@example.com"}}}`},
		answer{200, nil, `{"data":null,"errors":[{"message":"No customer cus_2","path":["customer"],
			"extensions":{"code":"RESOURCE_NOT_FOUND","type":"not_found_error","status":404,"request_id":"req_g"}}]}`})
	client := NewClient("sk_test_x", WithBaseURL(server.URL))
	var out struct {
		Customer struct{ ID, Email string }
	}
	err := client.GraphQL(context.Background(), "query($id: ID!) { customer(id: $id) { id email } }",
		map[string]interface{}{"id": "cus_1"}, &out)
	if err != nil || out.Customer.ID != "cus_1" {
		t.Fatalf("out = %+v, %v", out, err)
	}
	var sent map[string]interface{}
	if json.Unmarshal([]byte(s.bodies[0]), &sent) != nil || sent["variables"].(map[string]interface{})["id"] != "cus_1" ||
		s.requests()[0].URL.Path != "/graphql" {
		t.Errorf("sent %s to %s", s.bodies[0], s.requests()[0].URL.Path)
	}
	err = client.GraphQL(context.Background(), "{ customer(id: \"cus_2\") { id } }", nil, &out)
	var apiErr *Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 404 ||
		apiErr.RequestID != "req_g" || apiErr.Message != "No customer cus_2" {
		t.Errorf("err = %#v", err)
	}
}
