package stateset

// The errors a call returns:
//
//	*Error                      the API answered an error (its type is one kind below)
//	  ErrInvalidRequest         400, 408, 413, 415, 422: the request is wrong; Param names the field
//	    ErrConflict             409 RESOURCE_CONFLICT, RESOURCE_ALREADY_EXISTS; Details say why
//	    ErrNotFound             404
//	  ErrAuthentication         401
//	  ErrPermission             403
//	  ErrCard                   402: DeclineCode and PaymentID are set
//	  ErrIdempotency            the Idempotency-Key was reused with another request, or is in use
//	  ErrRateLimit              429: Limit names the limit hit
//	  ErrAPI                    5xx, or an answer the SDK cannot read
//	*ConnectionError            no answer came (ErrConnection), after the retries
//	*SignatureVerificationError a webhook's StateSet-Signature does not verify
//	                            (ErrSignatureVerification)

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The kinds of error, for errors.Is.
var (
	ErrInvalidRequest        = errors.New("stateset: invalid request")
	ErrConflict              = errors.New("stateset: conflict")
	ErrNotFound              = errors.New("stateset: not found")
	ErrAuthentication        = errors.New("stateset: authentication failed")
	ErrPermission            = errors.New("stateset: permission denied")
	ErrCard                  = errors.New("stateset: card declined")
	ErrIdempotency           = errors.New("stateset: idempotency key conflict")
	ErrRateLimit             = errors.New("stateset: rate limited")
	ErrAPI                   = errors.New("stateset: API error")
	ErrConnection            = errors.New("stateset: no answer from the API")
	ErrSignatureVerification = errors.New("stateset: webhook signature does not verify")
)

// ErrorType is the API's error type (the body's error.type).
type ErrorType string

// The error types of the API.
const (
	ErrorTypeInvalidRequest ErrorType = "invalid_request_error"
	ErrorTypeAuthentication ErrorType = "authentication_error"
	ErrorTypePermission     ErrorType = "permission_error"
	ErrorTypeNotFound       ErrorType = "not_found_error"
	ErrorTypeCard           ErrorType = "card_error"
	ErrorTypeIdempotency    ErrorType = "idempotency_error"
	ErrorTypeRateLimit      ErrorType = "rate_limit_error"
	ErrorTypeAPI            ErrorType = "api_error"
)

var kinds = map[ErrorType]error{
	ErrorTypeInvalidRequest: ErrInvalidRequest,
	ErrorTypeAuthentication: ErrAuthentication,
	ErrorTypePermission:     ErrPermission,
	ErrorTypeNotFound:       ErrNotFound,
	ErrorTypeCard:           ErrCard,
	ErrorTypeIdempotency:    ErrIdempotency,
	ErrorTypeRateLimit:      ErrRateLimit,
	ErrorTypeAPI:            ErrAPI,
}

// Error is an error the API answered, on REST or GraphQL.
type Error struct {
	Type       ErrorType
	Code       string
	Message    string
	Param      string
	Details    []map[string]interface{}
	RequestID  string
	HTTPStatus int
	Header     http.Header
	// DeclineCode and PaymentID are set on a card error (402 CARD_DECLINED).
	DeclineCode string
	PaymentID   string
	// Limit names the limit a rate-limit error hit (per_minute, per_day, burst, concurrent).
	Limit string
	// Raw is the error object as the API sent it.
	Raw map[string]interface{}
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("stateset: ")
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "(%d) ", e.HTTPStatus)
	}
	if e.Code != "" {
		b.WriteString(e.Code + " ")
	}
	b.WriteString(e.Message)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request_id: %s]", e.RequestID)
	}
	return b.String()
}

// Kind is the sentinel this error matches (ErrConflict, ErrCard, ...).
func (e *Error) Kind() error {
	if e.Code == "RESOURCE_CONFLICT" || e.Code == "RESOURCE_ALREADY_EXISTS" {
		return ErrConflict
	}
	if kind, ok := kinds[e.Type]; ok {
		return kind
	}
	return ErrAPI
}

// Is reports whether target is this error's kind, or the kind it refines (a conflict
// and a missing object are invalid requests too).
func (e *Error) Is(target error) bool {
	kind := e.Kind()
	if target == kind {
		return true
	}
	return target == ErrInvalidRequest && (kind == ErrConflict || kind == ErrNotFound)
}

// errorFrom builds the Error of one error object of the API (REST's "error", or a
// GraphQL error's extensions with its message).
func errorFrom(raw map[string]interface{}, status int, header http.Header) *Error {
	e := &Error{
		Type:       ErrorType(stringOf(raw["type"])),
		Code:       stringOf(raw["code"]),
		Message:    stringOf(raw["message"]),
		Param:      stringOf(raw["param"]),
		RequestID:  stringOf(raw["request_id"]),
		HTTPStatus: status,
		Header:     header,
		Raw:        raw,
	}
	if e.Type == "" {
		e.Type = ErrorTypeAPI
	}
	if e.Message == "" {
		e.Message = "the API answered an error"
	}
	if e.RequestID == "" && header != nil {
		e.RequestID = header.Get("X-Request-Id")
	}
	if details, ok := raw["details"].([]interface{}); ok {
		for _, d := range details {
			if detail, ok := d.(map[string]interface{}); ok {
				e.Details = append(e.Details, detail)
			}
		}
	}
	switch e.Type {
	case ErrorTypeCard:
		e.DeclineCode = stringOf(raw["decline_code"])
		e.PaymentID = stringOf(raw["payment_id"])
	case ErrorTypeRateLimit:
		for _, detail := range e.Details {
			if limit := stringOf(detail["param"]); limit != "" {
				e.Limit = limit
				break
			}
		}
	}
	return e
}

func stringOf(v interface{}) string {
	s, _ := v.(string)
	return s
}

// ConnectionError is returned when no answer came: the connection failed or was cut,
// or an attempt timed out, on every attempt; or, with Cut, when a streamed answer's body
// (Files.Contents) stopped mid-way after Received bytes. errors.Is(err, ErrConnection)
// is true, and the last attempt's failure is wrapped.
type ConnectionError struct {
	Method   string
	URL      string
	Attempts int
	Err      error
	Cut      bool
	Received int64
}

func (e *ConnectionError) Error() string {
	if e.Cut {
		return fmt.Sprintf("stateset: the answer to %s %s was cut after %d bytes: %v",
			e.Method, e.URL, e.Received, e.Err)
	}
	return fmt.Sprintf("stateset: %s %s got no answer after %d attempt(s): %v",
		e.Method, e.URL, e.Attempts, e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrConnection) true.
func (e *ConnectionError) Is(target error) bool { return target == ErrConnection }

// SignatureVerificationError is returned when a webhook's StateSet-Signature does not
// verify. errors.Is(err, ErrSignatureVerification) is true.
type SignatureVerificationError struct {
	Message string
	Header  string
}

func (e *SignatureVerificationError) Error() string { return "stateset: " + e.Message }

// Is makes errors.Is(err, ErrSignatureVerification) true.
func (e *SignatureVerificationError) Is(target error) bool {
	return target == ErrSignatureVerification
}
