package stateset_test

// The conformance scenario every SDK runs against the live server (tests/
// test_sdk_conformance.py sets the variables below; without them these tests skip,
// naming what is missing).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stateset/stateset-go"
)

// env returns the variables named, or skips the test naming those unset.
func env(t *testing.T, names ...string) map[string]string {
	t.Helper()
	values := map[string]string{}
	var missing []string
	for _, name := range names {
		if values[name] = os.Getenv(name); values[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Skipf("the conformance scenario needs a live server: set %s", strings.Join(missing, ", "))
	}
	return values
}

func direct(t *testing.T, options ...stateset.Option) *stateset.Client {
	v := env(t, "STATESET_BASE_URL", "STATESET_API_KEY")
	return stateset.NewClient(v["STATESET_API_KEY"], append([]stateset.Option{stateset.WithBaseURL(v["STATESET_BASE_URL"])}, options...)...)
}

func unique(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
}

func card(number string) *stateset.CardParams {
	return &stateset.CardParams{
		Number:   stateset.String(number),
		ExpMonth: stateset.Int(12),
		ExpYear:  stateset.Int(2040),
		CVC:      stateset.String("123"),
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func pendingOrder(t *testing.T, client *stateset.Client) *stateset.Order {
	ctx := context.Background()
	sku := unique("GO-SKU")
	_, err := client.Inventory.Create(ctx, &stateset.InventoryCreateParams{
		SKU: stateset.String(sku), Name: stateset.String("Widget"), OnHand: stateset.Int(10),
	})
	must(t, err)
	order, err := client.Orders.Create(ctx, &stateset.OrderCreateParams{
		Currency: stateset.String("usd"),
		LineItems: []*stateset.LineItemParams{{
			SKU: stateset.String(sku), Name: stateset.String("Widget"),
			Quantity: stateset.Int(2), UnitAmount: stateset.Int(1250),
		}},
	})
	must(t, err)
	return order
}

func requestID(t *testing.T, what string, last *stateset.LastResponse) {
	t.Helper()
	if last == nil || !strings.HasPrefix(last.RequestID, "req_") {
		t.Errorf("%s: request id %+v", what, last)
	}
}

func TestMerchantFlow(t *testing.T) {
	client := direct(t)
	ctx := context.Background()
	sku := unique("GO-WIDGET")
	item, err := client.Inventory.Create(ctx, &stateset.InventoryCreateParams{
		SKU: stateset.String(sku), Name: stateset.String("Widget"), OnHand: stateset.Int(10),
	})
	must(t, err)
	if item.SKU != sku || item.OnHand != 10 || item.Available != 10 || item.Location != "default" ||
		!strings.HasPrefix(item.ID, "inv_") || item.LastResponse.HTTPStatus != 201 {
		t.Errorf("item = %+v", item)
	}
	requestID(t, "inventory", item.LastResponse)
	email := unique("ada") + "@example.com"
	customer, err := client.Customers.Create(ctx, &stateset.CustomerCreateParams{
		Email: stateset.String(email), Name: stateset.String("Ada"),
	})
	must(t, err)
	if !strings.HasPrefix(customer.ID, "cus_") || customer.Email != email || customer.Name != "Ada" {
		t.Errorf("customer = %+v", customer)
	}
	order, err := client.Orders.Create(ctx, &stateset.OrderCreateParams{
		Currency:   stateset.String("usd"),
		CustomerID: stateset.String(customer.ID),
		LineItems: []*stateset.LineItemParams{{
			SKU: stateset.String(sku), Name: stateset.String("Widget"),
			Quantity: stateset.Int(2), UnitAmount: stateset.Int(1250),
		}},
	})
	must(t, err)
	if order.Status != stateset.OrderStatusPending || order.Amount != 2500 || order.Currency != "USD" ||
		order.CustomerID != customer.ID || len(order.LineItems) != 1 || order.LineItems[0].Quantity != 2 ||
		order.LineItems[0].SKU != sku {
		t.Errorf("order = %+v", order)
	}
	paid, err := client.Orders.Pay(ctx, order.ID, &stateset.OrderPayParams{Card: card("4242424242424242")})
	must(t, err)
	if paid.Status != stateset.OrderStatusPaid || paid.AmountPaid != 2500 || len(paid.Payments) != 1 ||
		paid.Payments[0].Card == nil || paid.Payments[0].Card.Last4 != "4242" || paid.PaidAt.IsZero() {
		t.Errorf("paid = %+v", paid)
	}
	requestID(t, "pay", paid.LastResponse)
	processed, err := client.Orders.Process(ctx, order.ID, nil)
	must(t, err)
	if processed.Status != stateset.OrderStatusProcessing {
		t.Errorf("processed: %s", processed.Status)
	}
	shipped, err := client.Orders.Ship(ctx, order.ID, &stateset.OrderShipParams{
		Carrier: stateset.String("UPS"), TrackingNumber: stateset.String("1Z999"),
	})
	must(t, err)
	if shipped.Status != stateset.OrderStatusShipped || shipped.Carrier != "UPS" || shipped.TrackingNumber != "1Z999" {
		t.Errorf("shipped = %+v", shipped)
	}
	delivered, err := client.Orders.Deliver(ctx, order.ID, nil)
	must(t, err)
	if delivered.Status != stateset.OrderStatusDelivered || delivered.DeliveredAt.IsZero() {
		t.Errorf("delivered = %+v", delivered)
	}
	refunded, err := client.Orders.Refund(ctx, order.ID, &stateset.OrderRefundParams{
		Amount: stateset.Int(500), Reason: stateset.String("late"),
	})
	must(t, err)
	if refunded.AmountRefunded != 500 || len(refunded.Refunds) != 1 || refunded.Refunds[0].Amount != 500 {
		t.Errorf("refunded = %+v", refunded)
	}
	requestID(t, "refund", refunded.LastResponse)

	// The typed object holds what REST answers, field for field, nested objects included.
	fetched, err := client.Orders.Retrieve(ctx, order.ID, nil)
	must(t, err)
	rest := restGet(t, "/v1/orders/"+order.ID)
	sameAsREST(t, "order", rest, fetched)
	if fetched.LastResponse.RequestID == refunded.LastResponse.RequestID {
		t.Error("two answers share a request id")
	}
	var viaGraphQL struct {
		Order struct {
			ID             string `json:"id"`
			AmountRefunded int64  `json:"amountRefunded"`
		} `json:"order"`
	}
	must(t, client.GraphQL(ctx, `query($id: ID!) { order(id: $id) { id amountRefunded } }`,
		map[string]interface{}{"id": order.ID}, &viaGraphQL))
	if viaGraphQL.Order.ID != order.ID || viaGraphQL.Order.AmountRefunded != 500 {
		t.Errorf("GraphQL's order = %+v", viaGraphQL.Order)
	}
	it := client.Orders.List(ctx, &stateset.OrderListParams{
		CustomerIDEq: stateset.String(customer.ID),
		StatusIn:     []stateset.OrderStatus{stateset.OrderStatusDelivered, stateset.OrderStatusRefunded},
		AmountGte:    stateset.Int(2000),
	})
	var ids []string
	for it.Next() {
		ids = append(ids, it.Current().ID)
	}
	must(t, it.Err())
	if len(ids) != 1 || ids[0] != order.ID {
		t.Errorf("the filtered list is %v", ids)
	}
}

// restGet is an object as REST answers it, read without the SDK.
func restGet(t *testing.T, path string) map[string]interface{} {
	v := env(t, "STATESET_BASE_URL", "STATESET_API_KEY")
	req, err := http.NewRequest("GET", strings.TrimRight(v["STATESET_BASE_URL"], "/")+path, nil)
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+v["STATESET_API_KEY"])
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	var body map[string]interface{}
	must(t, json.NewDecoder(resp.Body).Decode(&body))
	return body
}

// sameAsREST checks that every field REST answered is a field of the typed object,
// with the same value (a null as the zero value; times as the same instant).
func sameAsREST(t *testing.T, path string, rest interface{}, object interface{}) {
	t.Helper()
	encoded, err := json.Marshal(object)
	must(t, err)
	var ours interface{}
	must(t, json.Unmarshal(encoded, &ours))
	compare(t, path, rest, ours)
}

func compare(t *testing.T, path string, rest, ours interface{}) {
	t.Helper()
	switch r := rest.(type) {
	case map[string]interface{}:
		o, ok := ours.(map[string]interface{})
		if !ok && len(r) > 0 {
			t.Errorf("%s: REST has an object, the SDK %v", path, ours)
			return
		}
		for key, value := range r {
			if _, known := o[key]; !known {
				t.Errorf("%s.%s: a REST field the SDK's type lacks", path, key)
				continue
			}
			compare(t, path+"."+key, value, o[key])
		}
	case []interface{}:
		o, _ := ours.([]interface{})
		if len(o) != len(r) {
			t.Errorf("%s: %d items in REST, %d in the SDK", path, len(r), len(o))
			return
		}
		for i := range r {
			compare(t, fmt.Sprintf("%s[%d]", path, i), r[i], o[i])
		}
	case nil:
	case string:
		if at, err := time.Parse(time.RFC3339Nano, r); err == nil {
			s, _ := ours.(string)
			if got, err := time.Parse(time.RFC3339Nano, s); err != nil || !got.Equal(at) {
				t.Errorf("%s: REST %s, the SDK %v", path, r, ours)
			}
			return
		}
		if ours != r {
			t.Errorf("%s: REST %q, the SDK %v", path, r, ours)
		}
	default:
		if ours != r {
			t.Errorf("%s: REST %v, the SDK %v", path, r, ours)
		}
	}
}

func TestErrors(t *testing.T) {
	client := direct(t)
	ctx := context.Background()

	order := pendingOrder(t, client)
	_, err := client.Orders.Pay(ctx, order.ID, &stateset.OrderPayParams{Card: card("4000000000000002")})
	var declined *stateset.Error
	if !errors.Is(err, stateset.ErrCard) || !errors.As(err, &declined) {
		t.Fatalf("a declined card: %v", err)
	}
	if declined.HTTPStatus != 402 || declined.Code != "CARD_DECLINED" || declined.Type != stateset.ErrorTypeCard ||
		declined.DeclineCode == "" || !strings.HasPrefix(declined.PaymentID, "pay_") ||
		!strings.HasPrefix(declined.RequestID, "req_") || declined.Header.Get("X-Request-Id") != declined.RequestID {
		t.Errorf("card error = %+v", declined)
	}

	_, err = client.Orders.Ship(ctx, order.ID, &stateset.OrderShipParams{
		Carrier: stateset.String("UPS"), TrackingNumber: stateset.String("1Z"),
	})
	var conflict *stateset.Error
	if !errors.Is(err, stateset.ErrConflict) || !errors.Is(err, stateset.ErrInvalidRequest) || !errors.As(err, &conflict) {
		t.Fatalf("shipping a pending order: %v", err)
	}
	if conflict.HTTPStatus != 409 || conflict.Code != "RESOURCE_CONFLICT" || len(conflict.Details) == 0 ||
		conflict.Details[0]["from"] != "pending" || conflict.Details[0]["to"] != "shipped" ||
		!strings.HasPrefix(conflict.RequestID, "req_") {
		t.Errorf("conflict = %+v", conflict)
	}

	v := env(t, "STATESET_BASE_URL")
	bad := stateset.NewClient("sk_test_nope", stateset.WithBaseURL(v["STATESET_BASE_URL"]))
	_, err = bad.Customers.Retrieve(ctx, "cus_anything", nil)
	var auth *stateset.Error
	if !errors.Is(err, stateset.ErrAuthentication) || !errors.As(err, &auth) || auth.HTTPStatus != 401 {
		t.Errorf("a bad key: %v", err)
	}
	if err := bad.GraphQL(ctx, "{ account { id } }", nil, nil); !errors.Is(err, stateset.ErrAuthentication) {
		t.Errorf("a bad key on GraphQL: %v", err)
	}

	_, err = client.Customers.Retrieve(ctx, "cus_missing", nil)
	var missing *stateset.Error
	if !errors.Is(err, stateset.ErrNotFound) || !errors.As(err, &missing) || missing.HTTPStatus != 404 {
		t.Errorf("a missing id: %v", err)
	}
	_, err = client.Customers.Create(ctx, &stateset.CustomerCreateParams{Email: stateset.String("not an email")})
	var invalid *stateset.Error
	if !errors.Is(err, stateset.ErrInvalidRequest) || !errors.As(err, &invalid) || invalid.Param != "email" {
		t.Errorf("a bad email: %v", err)
	}
}

// counting is a transport that counts the requests it sends.
type counting struct{ n int64 }

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	atomic.AddInt64(&c.n, 1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestPaging(t *testing.T) {
	v := env(t, "STATESET_BASE_URL", "STATESET_PAGING_API_KEY")
	sent := &counting{}
	client := stateset.NewClient(v["STATESET_PAGING_API_KEY"], stateset.WithBaseURL(v["STATESET_BASE_URL"]),
		stateset.WithHTTPClient(&http.Client{Transport: sent}))
	it := client.Customers.List(context.Background(), &stateset.CustomerListParams{Limit: stateset.Int(100)})
	seen := map[string]bool{}
	for it.Next() {
		seen[it.Current().ID] = true
		if len(seen) == 100 && atomic.LoadInt64(&sent.n) != 1 {
			t.Errorf("%d requests for the first 100 customers: the iterator fetched ahead", sent.n)
		}
	}
	must(t, it.Err())
	if len(seen) != 250 {
		t.Errorf("%d distinct customers, want 250", len(seen))
	}
	if n := atomic.LoadInt64(&sent.n); n < 3 {
		t.Errorf("%d requests for 250 customers at 100 a page", n)
	}
}

func TestLostResponse(t *testing.T) {
	v := env(t, "STATESET_BASE_URL", "STATESET_API_KEY", "STATESET_LOSING_URL")
	losing := stateset.NewClient(v["STATESET_API_KEY"], stateset.WithBaseURL(v["STATESET_LOSING_URL"]))
	email := unique("lost") + "@example.com"
	ctx := context.Background()
	customer, err := losing.Customers.Create(ctx, &stateset.CustomerCreateParams{Email: stateset.String(email)})
	must(t, err)
	if customer.Email != email || customer.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retry was not a replay: %+v %v", customer, customer.LastResponse.Header)
	}
	it := direct(t).Customers.List(ctx, &stateset.CustomerListParams{EmailEq: stateset.String(email)})
	var ids []string
	for it.Next() {
		ids = append(ids, it.Current().ID)
	}
	must(t, it.Err())
	if len(ids) != 1 || ids[0] != customer.ID {
		t.Errorf("customers with the lost POST's email: %v, want [%s]", ids, customer.ID)
	}
}

func TestRateLimit(t *testing.T) {
	v := env(t, "STATESET_API_KEY", "STATESET_LIMITED_URL")
	limited := stateset.NewClient(v["STATESET_API_KEY"], stateset.WithBaseURL(v["STATESET_LIMITED_URL"]))
	started := time.Now()
	account, err := limited.Account.Retrieve(context.Background(), nil)
	must(t, err)
	if waited := time.Since(started); waited < time.Second {
		t.Errorf("answered after %v: the 429's Retry-After: 1 was not waited out", waited)
	}
	if !strings.HasPrefix(account.ID, "acct_") {
		t.Errorf("account = %+v", account)
	}
}

func TestWebhook(t *testing.T) {
	v := env(t, "STATESET_WEBHOOK_FILE")
	raw, err := os.ReadFile(v["STATESET_WEBHOOK_FILE"])
	must(t, err)
	var delivery struct {
		Payload   string `json:"payload"`
		Header    string `json:"header"`
		Secret    string `json:"secret"`
		EventID   string `json:"event_id"`
		EventType string `json:"event_type"`
	}
	must(t, json.Unmarshal(raw, &delivery))
	payload := []byte(delivery.Payload)

	event, err := stateset.ConstructEvent(payload, delivery.Header, delivery.Secret)
	must(t, err)
	if event.ID != delivery.EventID || event.Type != delivery.EventType {
		t.Errorf("event %s %s, the file says %s %s", event.ID, event.Type, delivery.EventID, delivery.EventType)
	}

	changed := append([]byte(nil), payload...)
	at := len(changed) / 2
	changed[at] ^= 0x01
	if _, err := stateset.ConstructEvent(changed, delivery.Header, delivery.Secret); !errors.Is(err, stateset.ErrSignatureVerification) {
		t.Errorf("a payload with one byte changed: %v", err)
	}

	stale := sign(payload, time.Now().Add(-301*time.Second).Unix(), delivery.Secret)
	_, err = stateset.ConstructEvent(payload, stale, delivery.Secret)
	var sigErr *stateset.SignatureVerificationError
	if !errors.As(err, &sigErr) || !strings.Contains(err.Error(), "tolerance") {
		t.Errorf("a signature 301 s old: %v", err)
	}
	fresh := sign(payload, time.Now().Unix(), delivery.Secret)
	if _, err := stateset.ConstructEvent(payload, fresh, delivery.Secret); err != nil {
		t.Errorf("the test's own signature does not verify: %v", err)
	}

	// Go's types take only bytes; a body decoded and encoded again (what a framework that
	// parsed it first would hand over) is refused, saying to pass the raw body.
	var parsed map[string]interface{}
	must(t, json.Unmarshal(payload, &parsed))
	reencoded, err := json.Marshal(parsed)
	must(t, err)
	_, err = stateset.ConstructEvent(reencoded, delivery.Header, delivery.Secret)
	if !errors.Is(err, stateset.ErrSignatureVerification) || !strings.Contains(err.Error(), "raw request body") {
		t.Errorf("a re-encoded body: %v", err)
	}
}
