package stateset

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how old a webhook's signature timestamp may be.
const DefaultTolerance = 300 * time.Second

// ConstructEvent returns the event a webhook delivery carries, once its
// StateSet-Signature header verifies with the endpoint's secret (whsec_...) within
// DefaultTolerance.
//
// payload must be the raw request body, exactly the bytes that arrived (io.ReadAll of
// the request's Body): a body decoded and encoded again no longer matches its
// signature. A header from a secret rotation carries two v1 signatures; either one
// verifying is enough. Otherwise a *SignatureVerificationError is returned.
func ConstructEvent(payload []byte, header, secret string) (*Event, error) {
	return ConstructEventWithTolerance(payload, header, secret, DefaultTolerance)
}

// ConstructEventWithTolerance is ConstructEvent with another tolerance (0 or less
// checks no timestamp).
func ConstructEventWithTolerance(payload []byte, header, secret string, tolerance time.Duration) (*Event, error) {
	if err := ValidatePayload(payload, header, secret, tolerance); err != nil {
		return nil, err
	}
	event := &Event{}
	if err := json.Unmarshal(payload, event); err != nil {
		return nil, &SignatureVerificationError{Message: "the payload is not an event's JSON: " + err.Error(), Header: header}
	}
	return event, nil
}

// ValidatePayload checks a delivery's StateSet-Signature header against its raw body,
// in constant time, as ConstructEventWithTolerance does, without decoding the event.
func ValidatePayload(payload []byte, header, secret string, tolerance time.Duration) error {
	if secret == "" {
		return &SignatureVerificationError{Message: "no secret: pass the endpoint's whsec_... secret", Header: header}
	}
	timestamp, signatures, ok := parseSignature(header)
	if !ok {
		return &SignatureVerificationError{Message: "the StateSet-Signature header has no t= and v1= parts", Header: header}
	}
	if tolerance > 0 {
		age := time.Since(time.Unix(timestamp, 0))
		if age > tolerance || age < -tolerance {
			return &SignatureVerificationError{
				Message: fmt.Sprintf("the signature's timestamp is outside the %v tolerance", tolerance),
				Header:  header,
			}
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(payload)
	expected := []byte(hex.EncodeToString(mac.Sum(nil)))
	matched := false
	for _, signature := range signatures {
		// Every candidate is compared, in constant time each.
		if hmac.Equal([]byte(signature), expected) {
			matched = true
		}
	}
	if !matched {
		return &SignatureVerificationError{
			Message: "no v1 signature matches the payload for this secret: pass the raw request body " +
				"exactly as received (not JSON decoded and encoded again) and this endpoint's secret",
			Header: header,
		}
	}
	return nil
}

// parseSignature reads "t=<unix>,v1=<hex>[,v1=<hex>]".
func parseSignature(header string) (int64, []string, bool) {
	var timestamp int64
	var signatures []string
	stamped := false
	for _, part := range strings.Split(header, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "t":
			t, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return 0, nil, false
			}
			timestamp, stamped = t, true
		case "v1":
			if value != "" {
				signatures = append(signatures, value)
			}
		}
	}
	return timestamp, signatures, stamped && len(signatures) > 0
}
