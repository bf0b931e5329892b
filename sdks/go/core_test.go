package stateset

import (
	"bytes"
	"context"
	"errors"
	"go/format"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBackoffDoublesFromHalfASecondToEightWithJitter(t *testing.T) {
	bounds := []struct {
		retry    int
		low, max time.Duration
	}{
		{0, 500 * time.Millisecond, 500 * time.Millisecond},
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{3, 2 * time.Second, 4 * time.Second},
		{4, 4 * time.Second, 8 * time.Second},
		{10, 4 * time.Second, 8 * time.Second},
	}
	for _, b := range bounds {
		seen := map[time.Duration]bool{}
		for i := 0; i < 200; i++ {
			d := backoff(b.retry)
			if d < b.low || d > b.max {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", b.retry, d, b.low, b.max)
			}
			seen[d] = true
		}
		if b.retry >= 2 && len(seen) < 2 {
			t.Errorf("backoff(%d) has no jitter: always %v", b.retry, seen)
		}
	}
}

func TestOnlyTransientAnswersAreRetried(t *testing.T) {
	inUse := []byte(`{"error":{"type":"invalid_request_error","code":"IDEMPOTENCY_KEY_IN_USE"}}`)
	conflict := []byte(`{"error":{"type":"invalid_request_error","code":"RESOURCE_CONFLICT"}}`)
	after := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	cases := []struct {
		name   string
		status int
		header http.Header
		body   []byte
		retry  int
		again  bool
		exact  time.Duration
	}{
		{"409 key in use", 409, nil, inUse, 0, true, 0},
		{"409 conflict", 409, nil, conflict, 0, false, 0},
		{"429 after 1 s", 429, after("1"), nil, 0, true, time.Second},
		{"429 after 120 s is the caller's", 429, after("120"), nil, 0, false, 0},
		{"429 without Retry-After", 429, nil, nil, 0, true, 0},
		{"500", 500, nil, nil, 0, true, 0},
		{"502", 502, nil, nil, 1, true, 0},
		{"503 after 2 s", 503, after("2"), nil, 0, true, 2 * time.Second},
		{"504", 504, nil, nil, 0, true, 0},
		{"retries spent", 503, nil, nil, 2, false, 0},
		{"400", 400, nil, nil, 0, false, 0},
		{"401", 401, nil, nil, 0, false, 0},
		{"402", 402, nil, nil, 0, false, 0},
		{"404", 404, nil, nil, 0, false, 0},
		{"422", 422, nil, nil, 0, false, 0},
		{"501", 501, nil, nil, 0, false, 0},
	}
	for _, c := range cases {
		header := c.header
		if header == nil {
			header = http.Header{}
		}
		delay, again := answerDelay(2, c.retry, c.status, header, c.body)
		if again != c.again {
			t.Errorf("%s: retried = %v, want %v", c.name, again, c.again)
		}
		if again && c.exact != 0 && delay != c.exact {
			t.Errorf("%s: waits %v, want %v", c.name, delay, c.exact)
		}
		if again && c.exact == 0 && (delay < initialDelay || delay > maxDelay) {
			t.Errorf("%s: waits %v, outside the backoff", c.name, delay)
		}
	}
	if _, again := failureDelay(2, 1); !again {
		t.Error("a connection failure is not retried")
	}
	if _, again := failureDelay(0, 0); again {
		t.Error("a connection failure is retried with max retries 0")
	}
}

func TestErrorBodiesMapToTheirKinds(t *testing.T) {
	cases := []struct {
		body   string
		status int
		kinds  []error
		not    []error
	}{
		{`{"error":{"type":"invalid_request_error","code":"VALIDATION_ERROR","param":"email"}}`, 422,
			[]error{ErrInvalidRequest}, []error{ErrConflict, ErrNotFound}},
		{`{"error":{"type":"invalid_request_error","code":"RESOURCE_CONFLICT"}}`, 409,
			[]error{ErrConflict, ErrInvalidRequest}, []error{ErrNotFound}},
		{`{"error":{"type":"invalid_request_error","code":"RESOURCE_ALREADY_EXISTS"}}`, 409,
			[]error{ErrConflict, ErrInvalidRequest}, nil},
		{`{"error":{"type":"not_found_error","code":"RESOURCE_NOT_FOUND"}}`, 404,
			[]error{ErrNotFound, ErrInvalidRequest}, []error{ErrConflict}},
		{`{"error":{"type":"authentication_error","code":"INVALID_API_KEY"}}`, 401,
			[]error{ErrAuthentication}, []error{ErrInvalidRequest}},
		{`{"error":{"type":"permission_error","code":"INSUFFICIENT_PERMISSIONS"}}`, 403,
			[]error{ErrPermission}, nil},
		{`{"error":{"type":"card_error","code":"CARD_DECLINED"}}`, 402, []error{ErrCard}, nil},
		{`{"error":{"type":"idempotency_error","code":"IDEMPOTENCY_KEY_MISMATCH"}}`, 400,
			[]error{ErrIdempotency}, []error{ErrInvalidRequest}},
		{`{"error":{"type":"rate_limit_error","code":"RATE_LIMIT_EXCEEDED"}}`, 429, []error{ErrRateLimit}, nil},
		{`{"error":{"type":"api_error","code":"INTERNAL_ERROR"}}`, 500, []error{ErrAPI}, nil},
		{`{"error":{"type":"something_new"}}`, 500, []error{ErrAPI}, nil},
		{`<html>bad gateway</html>`, 502, []error{ErrAPI}, nil},
		{`{"errors":[{"message":"no","extensions":{"type":"not_found_error","code":"RESOURCE_NOT_FOUND"}}]}`, 401,
			[]error{ErrNotFound}, nil},
	}
	for _, c := range cases {
		err := error(errorOf(&LastResponse{HTTPStatus: c.status, Header: http.Header{}, RawJSON: []byte(c.body)}))
		for _, kind := range c.kinds {
			if !errors.Is(err, kind) {
				t.Errorf("%s: not %v", c.body, kind)
			}
		}
		for _, kind := range c.not {
			if errors.Is(err, kind) {
				t.Errorf("%s: is %v too", c.body, kind)
			}
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != c.status {
			t.Errorf("%s: errors.As gives %#v", c.body, apiErr)
		}
	}
}

func TestAnErrorCarriesEveryFieldOfItsBody(t *testing.T) {
	header := http.Header{"X-Request-Id": {"req_header"}}
	card := errorOf(&LastResponse{HTTPStatus: 402, Header: header, RawJSON: []byte(`{"error":{
		"type":"card_error","code":"CARD_DECLINED","message":"Your card was declined.","param":"card",
		"details":[],"request_id":"req_1","decline_code":"generic_decline","payment_id":"pay_1"}}`)})
	want := Error{Type: ErrorTypeCard, Code: "CARD_DECLINED", Message: "Your card was declined.",
		Param: "card", RequestID: "req_1", HTTPStatus: 402, DeclineCode: "generic_decline", PaymentID: "pay_1"}
	got := *card
	got.Header, got.Raw, got.Details = nil, nil, nil
	if got.Type != want.Type || got.Code != want.Code || got.Message != want.Message || got.Param != want.Param ||
		got.RequestID != want.RequestID || got.HTTPStatus != want.HTTPStatus ||
		got.DeclineCode != want.DeclineCode || got.PaymentID != want.PaymentID {
		t.Errorf("card error = %+v, want %+v", got, want)
	}
	if card.Header.Get("X-Request-Id") != "req_header" {
		t.Error("the answer's headers are not kept")
	}
	limited := errorOf(&LastResponse{HTTPStatus: 429, Header: header, RawJSON: []byte(`{"error":{
		"type":"rate_limit_error","code":"RATE_LIMIT_EXCEEDED","message":"slow down",
		"details":[{"param":"burst","code":"RATE_LIMIT_EXCEEDED"}]}}`)})
	if limited.Limit != "burst" || limited.RequestID != "req_header" || len(limited.Details) != 1 {
		t.Errorf("rate-limit error = %+v", limited)
	}
	conflict := errorOf(&LastResponse{HTTPStatus: 409, Header: header, RawJSON: []byte(`{"error":{
		"type":"invalid_request_error","code":"RESOURCE_CONFLICT","message":"no",
		"details":[{"from":"pending","to":"shipped","allowed":["paid","cancelled"]}]}}`)})
	if conflict.Details[0]["from"] != "pending" || conflict.Details[0]["to"] != "shipped" {
		t.Errorf("conflict details = %v", conflict.Details)
	}
	if text := conflict.Error(); text != "stateset: (409) RESOURCE_CONFLICT no [request_id: req_header]" {
		t.Errorf("Error() = %q", text)
	}
}

func TestQueryStringsCarryOnlyWhatIsSet(t *testing.T) {
	params := &OrderListParams{
		Limit:     Int(100),
		StatusIn:  []OrderStatus{OrderStatusDelivered, OrderStatusRefunded},
		AmountGte: Int(2000),
		Cursor:    String(""),
	}
	params.IdempotencyKey = String("ignored")
	if got, want := queryOf(params).Encode(), "amount_gte=2000&cursor=&limit=100&status_in=delivered%2Crefunded"; got != want {
		t.Errorf("query = %s, want %s", got, want)
	}
	if got := queryOf(&CustomerListParams{}).Encode(); got != "" {
		t.Errorf("an empty params struct sends %q", got)
	}
	if got := queryOf(&CustomerListParams{IncludeTotal: Bool(false)}).Encode(); got != "include_total=false" {
		t.Errorf("a false boolean sends %q", got)
	}
}

func TestPathsEscapeIdsAndRefuseEmptyOnes(t *testing.T) {
	path, err := expand("/v1/orders/{id}/pay", []string{"ord 1/2"})
	if err != nil || path != "/v1/orders/ord%201%2F2/pay" {
		t.Errorf("expand = %q, %v", path, err)
	}
	if _, err := expand("/v1/orders/{id}", []string{""}); err == nil {
		t.Error("an empty id is sent")
	}
	if _, err := expand("/v1/orders/{id}", nil); err == nil {
		t.Error("a missing id is sent")
	}
}

func TestIdempotencyKeysAreUUID4(t *testing.T) {
	key := newUUID4()
	if len(key) != 36 || key[14] != '4' || !bytes.ContainsRune([]byte("89ab"), rune(key[19])) {
		t.Errorf("%s is not a UUID4", key)
	}
	if newUUID4() == key {
		t.Error("two keys are the same")
	}
}

func TestGeneratedCodeIsWhatGofmtLeaves(t *testing.T) {
	files, err := filepath.Glob("*_gen.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated files: %v", err)
	}
	for _, name := range files {
		source, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		formatted, err := format.Source(source)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(source, formatted) {
			t.Errorf("%s is not gofmt-clean: fix sdks/codegen/go.py, then run sdks/generate.py", name)
		}
	}
}

func TestABadBaseURLFailsAtOnce(t *testing.T) {
	for _, base := range []string{"127.0.0.1:8000", "ftp://example.com", "http://"} {
		started := time.Now()
		_, err := NewClient("sk_test_x", WithBaseURL(base)).Account.Retrieve(context.Background(), nil)
		if err == nil || !strings.Contains(err.Error(), "base URL") || time.Since(started) > 100*time.Millisecond {
			t.Errorf("%s: %v", base, err)
		}
	}
}
