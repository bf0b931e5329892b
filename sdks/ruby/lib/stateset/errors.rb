# frozen_string_literal: true

module Stateset
  # Every error the SDK raises, one class per error +type+ of the API:
  #
  #   StatesetError
  #   ├── AuthenticationError          401
  #   ├── PermissionError              403
  #   ├── InvalidRequestError          400, 408, 413, 415, 422
  #   │   ├── NotFoundError            404
  #   │   └── ConflictError            409 RESOURCE_CONFLICT / RESOURCE_ALREADY_EXISTS
  #   ├── CardError                    402 (decline_code, payment_id)
  #   ├── IdempotencyError             the Idempotency-Key was reused or is in use
  #   ├── RateLimitError               429 (limit)
  #   ├── APIError                     5xx, or an answer the SDK cannot read
  #   ├── APIConnectionError           no answer came (after the retries)
  #   └── SignatureVerificationError   a webhook's StateSet-Signature does not verify
  #
  # +http_status+ is nil when no answer came.
  class StatesetError < StandardError
    attr_reader :message, :type, :code, :param, :details, :request_id, :http_status,
                :http_headers, :error

    def initialize(message = nil, type: nil, code: nil, param: nil, details: nil,
                   request_id: nil, http_status: nil, http_headers: nil, error: nil)
      @message = message || "the API answered an error"
      @type = type
      @code = code
      @param = param
      @details = details || []
      @request_id = request_id
      @http_status = http_status
      @http_headers = http_headers || {}
      @error = error || {}
      super(@message)
    end

    def to_s
      text = [http_status && "(#{http_status})", code, message].compact.join(" ")
      request_id ? "#{text} [request_id: #{request_id}]" : text
    end
  end

  # No answer came: the connection failed, was cut, or timed out (after the retries).
  class APIConnectionError < StatesetError; end

  # 401: a missing, malformed, unknown or revoked API key.
  class AuthenticationError < StatesetError; end

  # 403: the key lacks the scope the route needs.
  class PermissionError < StatesetError; end

  # 400, 408, 413, 415, 422: the request itself is wrong; +param+ names the field.
  class InvalidRequestError < StatesetError; end

  # 404: no such object in this account and mode.
  class NotFoundError < InvalidRequestError; end

  # 409 RESOURCE_CONFLICT or RESOURCE_ALREADY_EXISTS; +details+ say why (an illegal
  # transition names +:from+ and +:to+).
  class ConflictError < InvalidRequestError; end

  # 402: the card was declined; the failed payment is recorded as +payment_id+.
  class CardError < StatesetError
    attr_reader :decline_code, :payment_id

    def initialize(message = nil, decline_code: nil, payment_id: nil, **rest)
      super(message, **rest)
      @decline_code = decline_code
      @payment_id = payment_id
    end
  end

  # The Idempotency-Key was reused with another request, or is still in use.
  class IdempotencyError < StatesetError; end

  # 429: +limit+ names the limit hit (per_minute, per_day, burst, concurrent).
  class RateLimitError < StatesetError
    attr_reader :limit

    def initialize(message = nil, limit: nil, **rest)
      super(message, **rest)
      @limit = limit
    end
  end

  # 5xx, or an answer the SDK cannot read.
  class APIError < StatesetError; end

  # A webhook's StateSet-Signature does not verify (or the payload is not an event).
  class SignatureVerificationError < StatesetError
    attr_reader :sig_header

    def initialize(message = nil, sig_header: nil)
      super(message)
      @sig_header = sig_header
    end
  end

  # How one error object of the API (REST's +error+, or a GraphQL error's +extensions+)
  # becomes an exception.
  module Errors
    BY_TYPE = {
      "invalid_request_error" => InvalidRequestError,
      "authentication_error" => AuthenticationError,
      "permission_error" => PermissionError,
      "not_found_error" => NotFoundError,
      "card_error" => CardError,
      "idempotency_error" => IdempotencyError,
      "rate_limit_error" => RateLimitError,
      "api_error" => APIError
    }.freeze
    CONFLICT_CODES = %w[RESOURCE_CONFLICT RESOURCE_ALREADY_EXISTS].freeze

    module_function

    # +error+ has symbol keys, as the SDK parses every answer.
    def from(error, http_status:, http_headers: {})
      type = (error[:type] || "api_error").to_s
      klass = BY_TYPE.fetch(type, APIError)
      klass = ConflictError if CONFLICT_CODES.include?(error[:code])
      details = error[:details].is_a?(Array) ? error[:details] : []
      fields = {
        type: type,
        code: error[:code],
        param: error[:param],
        details: details,
        request_id: error[:request_id] || http_headers["x-request-id"],
        http_status: http_status,
        http_headers: http_headers,
        error: error
      }
      message = error[:message]&.to_s
      if klass == CardError
        CardError.new(message, decline_code: error[:decline_code], payment_id: error[:payment_id],
                               **fields)
      elsif klass == RateLimitError
        limit = details.find { |d| d.is_a?(Hash) && d[:param] }&.fetch(:param)&.to_s
        RateLimitError.new(message, limit: limit, **fields)
      else
        klass.new(message, **fields)
      end
    end

    # The exception for a failed answer whose body is +body+ (parsed, or nil).
    def from_answer(body, http_status:, http_headers:, raw: nil)
      error = body[:error] if body.is_a?(Hash)
      if !error.is_a?(Hash) && body.is_a?(Hash) && body[:errors].is_a?(Array) && !body[:errors].empty?
        error = graphql_error(body[:errors].first)
      end
      unless error.is_a?(Hash)
        error = { type: "api_error", message: "HTTP #{http_status}: #{raw.to_s[0, 200]}" }
      end
      from(error, http_status: http_status, http_headers: http_headers)
    end

    # A GraphQL error as REST's error object: its extensions, with its message.
    def graphql_error(first)
      first = {} unless first.is_a?(Hash)
      extensions = first[:extensions].is_a?(Hash) ? first[:extensions] : {}
      { message: first[:message] }.merge(extensions)
    end
  end
end
