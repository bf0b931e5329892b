package stateset

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// sign is a StateSet-Signature header for payload at t, one v1 per secret, as the
// server's webhook worker writes it.
func sign(payload []byte, t int64, secrets ...string) string {
	header := fmt.Sprintf("t=%d", t)
	for _, secret := range secrets {
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "%d.", t)
		mac.Write(payload)
		header += ",v1=" + hex.EncodeToString(mac.Sum(nil))
	}
	return header
}

var eventBody = []byte(`{"id":"evt_1","object":"event","type":"order.created","api_version":"v1",` +
	`"created":"2026-01-01T00:00:00Z","livemode":false,"account":"acct_1","sequence":7,` +
	`"data":{"object":{"id":"ord_1","object":"order"}},"request":{"id":"req_1","idempotency_key":null}}`)

const secret, oldSecret = "whsec_new", "whsec_old"

func TestAWebhookVerifiesFromItsRawBodyAndReturnsTheEvent(t *testing.T) {
	now := time.Now().Unix()
	event, err := ConstructEvent(eventBody, sign(eventBody, now, secret), secret)
	if err != nil {
		t.Fatal(err)
	}
	if event.ID != "evt_1" || event.Type != "order.created" || event.Sequence != 7 || event.Request.ID != "req_1" {
		t.Errorf("event = %+v", event)
	}
	object, _ := event.Data["object"].(map[string]interface{})
	if object["id"] != "ord_1" {
		t.Errorf("data = %v", event.Data)
	}
	if _, err := ConstructEvent(eventBody, sign(eventBody, now-290, secret), secret); err != nil {
		t.Errorf("a 290 s old signature: %v", err)
	}
}

func TestDuringARotationEitherSecretVerifies(t *testing.T) {
	header := sign(eventBody, time.Now().Unix(), oldSecret, secret)
	for _, s := range []string{secret, oldSecret} {
		if _, err := ConstructEvent(eventBody, header, s); err != nil {
			t.Errorf("with %s: %v", s, err)
		}
	}
	if _, err := ConstructEvent(eventBody, header, "whsec_other"); !errors.Is(err, ErrSignatureVerification) {
		t.Errorf("a third secret: %v", err)
	}
}

func TestAnythingElseFailsVerification(t *testing.T) {
	now := time.Now().Unix()
	changed := bytes.Replace(eventBody, []byte("evt_1"), []byte("evt_2"), 1)
	reencoded := func() []byte {
		var parsed map[string]interface{}
		if err := json.Unmarshal(eventBody, &parsed); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(parsed)
		return out
	}()
	cases := []struct {
		name    string
		payload []byte
		header  string
		secret  string
		says    string
	}{
		{"one byte changed", changed, sign(eventBody, now, secret), secret, "raw request body"},
		{"decoded and encoded again", reencoded, sign(eventBody, now, secret), secret, "raw request body"},
		{"301 s old", eventBody, sign(eventBody, now-301, secret), secret, "tolerance"},
		{"from the future", eventBody, sign(eventBody, now+301, secret), secret, "tolerance"},
		{"another secret", eventBody, sign(eventBody, now, "whsec_other"), secret, "secret"},
		{"no v1", eventBody, fmt.Sprintf("t=%d", now), secret, "no t= and v1="},
		{"garbage", eventBody, "garbage", secret, "no t= and v1="},
		{"a bad t", eventBody, "t=soon,v1=00", secret, "no t= and v1="},
		{"no secret", eventBody, sign(eventBody, now, secret), "", "secret"},
	}
	for _, c := range cases {
		event, err := ConstructEvent(c.payload, c.header, c.secret)
		var sigErr *SignatureVerificationError
		if event != nil || !errors.Is(err, ErrSignatureVerification) || !errors.As(err, &sigErr) {
			t.Errorf("%s: event %v, err %v", c.name, event, err)
			continue
		}
		if !strings.Contains(err.Error(), c.says) || sigErr.Header != c.header {
			t.Errorf("%s: %q does not say %q", c.name, err, c.says)
		}
	}
	if _, err := ConstructEventWithTolerance(eventBody, sign(eventBody, now-3600, secret), secret, 0); err != nil {
		t.Errorf("no tolerance still checks the timestamp: %v", err)
	}
	if _, err := ConstructEventWithTolerance(eventBody, sign(eventBody, now-60, secret), secret, 30*time.Second); err == nil {
		t.Error("a 30 s tolerance accepts a 60 s old signature")
	}
}

func TestSignaturesAreComparedInConstantTime(t *testing.T) {
	// The comparison is hmac.Equal over every v1 the header carries (no early return on
	// the first byte that differs); what can be checked from outside is that a v1 equal
	// to the expected one but for its last character fails, as one wrong at its first does.
	now := time.Now().Unix()
	good := sign(eventBody, now, secret)
	for _, at := range []int{len(good) - 1, strings.Index(good, "v1=") + 3} {
		flipped := []byte(good)
		if flipped[at] == '0' {
			flipped[at] = '1'
		} else {
			flipped[at] = '0'
		}
		if _, err := ConstructEvent(eventBody, string(flipped), secret); !errors.Is(err, ErrSignatureVerification) {
			t.Errorf("a v1 off at %d verifies", at)
		}
	}
}
