package stateset

import (
	"encoding/json"
	"math"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	initialDelay = 500 * time.Millisecond
	maxDelay     = 8 * time.Second
	// A Retry-After longer than this is not waited out in a call: the error is returned.
	maxRetryAfter = 60 * time.Second
)

// jitter is this package's own source: math/rand's global one starts from the same
// seed in every process before Go 1.20.
var jitter = struct {
	sync.Mutex
	*rand.Rand
}{Rand: rand.New(rand.NewSource(time.Now().UnixNano()))}

// backoff is the wait before retry number retry (0 first): 0.5 s doubling, at most 8 s,
// with jitter (between half and all of it, never under 0.5 s).
func backoff(retry int) time.Duration {
	delay := float64(initialDelay) * math.Pow(2, float64(retry))
	if delay > float64(maxDelay) {
		delay = float64(maxDelay)
	}
	jitter.Lock()
	share := 0.5 + jitter.Float64()/2
	jitter.Unlock()
	if wait := time.Duration(delay * share); wait > initialDelay {
		return wait
	}
	return initialDelay
}

// failureDelay is the wait before retrying an attempt that got no answer, and whether to.
func failureDelay(maxRetries, retry int) (time.Duration, bool) {
	if retry >= maxRetries {
		return 0, false
	}
	return backoff(retry), true
}

// answerDelay is the wait before retrying an attempt that got this answer, and whether
// to: 409 IDEMPOTENCY_KEY_IN_USE, 429 (after its Retry-After), 500, 502, 503 and 504 are
// retried; nothing else is.
func answerDelay(maxRetries, retry, status int, header http.Header, body []byte) (time.Duration, bool) {
	if retry >= maxRetries {
		return 0, false
	}
	switch status {
	case http.StatusConflict:
		return backoff(retry), errorCode(body) == "IDEMPOTENCY_KEY_IN_USE"
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if after, ok := retryAfter(header); ok {
		return after, true
	}
	if status == http.StatusTooManyRequests && header.Get("Retry-After") != "" {
		return 0, false // longer than a call should wait: the caller decides
	}
	return backoff(retry), true
}

// retryAfter is the answer's Retry-After in seconds, when it is one we wait out.
func retryAfter(header http.Header) (time.Duration, bool) {
	value := header.Get("Retry-After")
	if value == "" {
		return 0, false
	}
	seconds, err := strconv.ParseFloat(value, 64)
	if err != nil || !(seconds >= 0 && seconds <= maxRetryAfter.Seconds()) {
		return 0, false
	}
	return time.Duration(seconds * float64(time.Second)), true
}

func errorCode(body []byte) string {
	var answer struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &answer) != nil {
		return ""
	}
	return answer.Error.Code
}
