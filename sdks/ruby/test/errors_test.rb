# frozen_string_literal: true

require "test_helper"

# An error body of the API becomes one exception class per error type.
class ErrorsTest < Minitest::Test
  HEADERS = { "x-request-id" => "req_header" }.freeze

  def error_of(error, status)
    Stateset::Errors.from(error, http_status: status, http_headers: HEADERS)
  end

  def test_each_error_type_maps_to_its_class
    {
      "invalid_request_error" => Stateset::InvalidRequestError,
      "authentication_error" => Stateset::AuthenticationError,
      "permission_error" => Stateset::PermissionError,
      "not_found_error" => Stateset::NotFoundError,
      "card_error" => Stateset::CardError,
      "idempotency_error" => Stateset::IdempotencyError,
      "rate_limit_error" => Stateset::RateLimitError,
      "api_error" => Stateset::APIError,
      "a_type_from_the_future" => Stateset::APIError
    }.each do |type, klass|
      error = error_of({ type: type, code: "SOME_CODE", message: "m" }, 400)
      assert_instance_of klass, error, type
      assert_kind_of Stateset::StatesetError, error
    end
  end

  def test_conflict_codes_raise_conflict_error_an_invalid_request_error
    %w[RESOURCE_CONFLICT RESOURCE_ALREADY_EXISTS].each do |code|
      error = error_of({ type: "invalid_request_error", code: code, message: "no" }, 409)
      assert_instance_of Stateset::ConflictError, error
      assert_kind_of Stateset::InvalidRequestError, error
    end
    in_use = error_of({ type: "idempotency_error", code: "IDEMPOTENCY_KEY_IN_USE" }, 409)
    assert_instance_of Stateset::IdempotencyError, in_use
  end

  def test_every_error_carries_the_body_fields_status_and_headers
    details = [{ param: "status", code: "INVALID_STATE_TRANSITION", from: "pending", to: "shipped" }]
    error = error_of({ type: "invalid_request_error", code: "RESOURCE_CONFLICT",
                       message: "A pending order cannot become shipped", param: "status",
                       details: details, request_id: "req_body" }, 409)
    assert_equal ["RESOURCE_CONFLICT", "A pending order cannot become shipped", "status", "req_body", 409],
                 [error.code, error.message, error.param, error.request_id, error.http_status]
    assert_equal "pending", error.details.first[:from]
    assert_equal HEADERS, error.http_headers
    assert_equal "invalid_request_error", error.type
    assert_equal "(409) RESOURCE_CONFLICT A pending order cannot become shipped [request_id: req_body]", error.to_s
  end

  def test_the_request_id_falls_back_to_the_header
    assert_equal "req_header", error_of({ type: "api_error", code: "INTERNAL_ERROR" }, 500).request_id
  end

  def test_card_errors_carry_decline_code_and_payment_id
    error = error_of({ type: "card_error", code: "CARD_DECLINED", message: "Your card was declined.",
                       param: "card", decline_code: "generic_decline", payment_id: "pay_1" }, 402)
    assert_instance_of Stateset::CardError, error
    assert_equal %w[generic_decline pay_1], [error.decline_code, error.payment_id]
  end

  def test_rate_limit_errors_name_the_limit_hit
    error = error_of({ type: "rate_limit_error", code: "RATE_LIMIT_EXCEEDED",
                       details: [{ param: "per_minute", code: "RATE_LIMIT_EXCEEDED" }] }, 429)
    assert_equal "per_minute", error.limit
  end

  def test_a_graphql_errors_extensions_map_like_rest
    body = { errors: [{ message: "Invalid API key provided",
                        extensions: { type: "authentication_error", code: "INVALID_API_KEY", status: 401 } }] }
    error = Stateset::Errors.from_answer(body, http_status: 401, http_headers: HEADERS)
    assert_instance_of Stateset::AuthenticationError, error
    assert_equal ["INVALID_API_KEY", "Invalid API key provided"], [error.code, error.message]
  end

  def test_an_answer_that_is_not_an_error_body_is_an_api_error
    error = Stateset::Errors.from_answer(nil, http_status: 502, http_headers: {}, raw: "<html>Bad gateway</html>")
    assert_instance_of Stateset::APIError, error
    assert_equal 502, error.http_status
    assert_includes error.message, "Bad gateway"
  end

  def test_graphql_errors_in_a_200_answer_raise_their_class
    last = Stateset::LastResponse.new(request_id: "req_1", http_status: 200, headers: {})
    body = { errors: [{ message: "nope", extensions: { type: "invalid_request_error", code: "VALIDATION_ERROR",
                                                       status: 400 } }] }
    error = assert_raises(Stateset::InvalidRequestError) { Stateset::Answers.graphql_data(body, last) }
    assert_equal 400, error.http_status
    assert_equal({ a: 1 }, Stateset::Answers.graphql_data({ data: { a: 1 } }, last))
  end
end
