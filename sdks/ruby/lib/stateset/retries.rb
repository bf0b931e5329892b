# frozen_string_literal: true

require "json"
require "net/http"
require "openssl"
require "socket"
require "timeout"

module Stateset
  # Which failures are retried, and after how long. Retried: no answer at all
  # (connection errors and timeouts), 409 IDEMPOTENCY_KEY_IN_USE, 429 (after its
  # Retry-After), 500, 502, 503, 504, up to the request's max_retries. Nothing else.
  module Retries
    INITIAL_DELAY = 0.5
    MAX_DELAY = 8.0
    # A Retry-After longer than this is not waited out within a call: the error is raised.
    MAX_RETRY_AFTER = 60.0
    RETRIED_STATUSES = [429, 500, 502, 503, 504].freeze
    # No answer came: the connection failed or was cut, or the answer was late or unreadable.
    FAILURES = [
      SocketError, SystemCallError, IOError, Timeout::Error, OpenSSL::SSL::SSLError,
      Net::HTTPBadResponse
    ].freeze

    module_function

    # Seconds before retry number +attempt+ (0 the first): 0.5 s doubling, at most 8 s,
    # with jitter (between half and all of it, never under 0.5 s).
    def backoff(attempt)
      delay = [INITIAL_DELAY * (2.0**attempt), MAX_DELAY].min
      [INITIAL_DELAY, delay * (0.5 + (rand / 2))].max
    end

    # Seconds to wait before retrying after a failure with no answer, or nil to stop.
    def after_failure(request, attempt, failure)
      return nil if attempt >= request.max_retries
      return nil unless FAILURES.any? { |kind| failure.is_a?(kind) }

      backoff(attempt)
    end

    # Seconds to wait before retrying after an answer (status, lowercase headers, raw
    # body), or nil to stop here.
    def after_answer(request, attempt, status, headers, body)
      return nil if attempt >= request.max_retries
      return (in_use?(body) ? backoff(attempt) : nil) if status == 409
      return nil unless RETRIED_STATUSES.include?(status)

      after = retry_after(headers["retry-after"])
      return after if after
      return nil if status == 429 && headers.key?("retry-after") # too long: the caller decides

      backoff(attempt)
    end

    def retry_after(value)
      return nil if value.nil?

      seconds = Float(value, exception: false)
      seconds if seconds && seconds >= 0 && seconds <= MAX_RETRY_AFTER
    end

    def in_use?(body)
      parsed = JSON.parse(body.to_s)
      parsed.is_a?(Hash) && parsed["error"].is_a?(Hash) &&
        parsed["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    rescue JSON::ParserError
      false
    end
  end
end
