# frozen_string_literal: true

require "test_helper"

# Retries: which failures, after how long, and always with the same Idempotency-Key.
class RetriesTest < Minitest::Test
  include StubClient

  CUSTOMER = { id: "cus_1", object: "customer", email: "r@example.com" }.freeze
  UUID4 = /\A\h{8}-\h{4}-4\h{3}-[89ab]\h{3}-\h{12}\z/.freeze

  def test_backoff_doubles_from_half_a_second_to_eight_with_jitter
    200.times do
      assert_equal 0.5, Stateset::Retries.backoff(0)
      assert_includes 0.5..1.0, Stateset::Retries.backoff(1)
      assert_includes 1.0..2.0, Stateset::Retries.backoff(2)
      assert_includes 2.0..4.0, Stateset::Retries.backoff(3)
      assert_includes 4.0..8.0, Stateset::Retries.backoff(10)
    end
    assert_operator (1..200).map { Stateset::Retries.backoff(3) }.uniq.size, :>, 1, "jitter"
  end

  def test_a_5xx_is_retried_with_the_same_idempotency_key
    StubServer.open([500, {}, error_body("api_error", "INTERNAL_ERROR")], [502, {}, "bad gateway"],
                    [201, {}, CUSTOMER]) do |server|
      client, waits = stub_client(server)
      customer = client.customers.create(email: "r@example.com")
      assert_equal "cus_1", customer.id
      keys = server.seen.map { |seen| seen.headers["idempotency-key"] }
      assert_equal 3, keys.size
      assert_equal 1, keys.uniq.size
      assert_match UUID4, keys.first
      assert_equal keys.first, customer.last_response.idempotency_key
      assert_equal 2, waits.size
      assert_equal 0.5, waits.first
    end
  end

  def test_a_callers_idempotency_key_wins
    StubServer.open([201, {}, CUSTOMER]) do |server|
      client, = stub_client(server)
      client.customers.create(email: "r@example.com", idempotency_key: "mine-1")
      assert_equal "mine-1", server.seen.first.headers["idempotency-key"]
    end
  end

  def test_reads_send_no_idempotency_key_and_every_write_does
    StubServer.open([200, {}, CUSTOMER]) do |server|
      client, = stub_client(server)
      client.customers.retrieve("cus_1")
      client.customers.update("cus_1", name: "Ada")
      client.customers.delete("cus_1")
      keys = server.seen.map { |seen| seen.headers["idempotency-key"] }
      assert_nil keys[0]
      assert_match UUID4, keys[1]
      assert_match UUID4, keys[2]
      refute_equal keys[1], keys[2]
    end
  end

  def test_a_429_waits_its_retry_after
    StubServer.open([429, { "Retry-After" => "1" }, error_body("rate_limit_error", "RATE_LIMIT_EXCEEDED")],
                    [200, {}, CUSTOMER]) do |server|
      client, waits = stub_client(server)
      assert_equal "cus_1", client.customers.retrieve("cus_1").id
      assert_equal [1.0], waits
    end
  end

  def test_a_retry_after_too_long_for_a_call_is_raised
    StubServer.open([429, { "Retry-After" => "3600" }, error_body("rate_limit_error", "RATE_LIMIT_EXCEEDED")],
                    [200, {}, CUSTOMER]) do |server|
      client, waits = stub_client(server)
      assert_raises(Stateset::RateLimitError) { client.customers.retrieve("cus_1") }
      assert_empty waits
    end
  end

  def test_without_retries_a_429_raises_rate_limit_error
    body = error_body("rate_limit_error", "RATE_LIMIT_EXCEEDED", details: [{ param: "burst" }])
    StubServer.open([429, { "Retry-After" => "1" }, body], [200, {}, CUSTOMER]) do |server|
      client, = stub_client(server, max_retries: 0)
      error = assert_raises(Stateset::RateLimitError) { client.customers.list }
      assert_equal [429, "burst", "req_body"], [error.http_status, error.limit, error.request_id]
      assert_equal 1, server.seen.size
    end
  end

  def test_an_idempotency_key_in_use_is_retried_and_other_conflicts_are_not
    in_use = [409, {}, error_body("idempotency_error", "IDEMPOTENCY_KEY_IN_USE")]
    StubServer.open(in_use, [201, {}, CUSTOMER]) do |server|
      client, waits = stub_client(server)
      assert_equal "cus_1", client.customers.create(email: "r@example.com").id
      assert_equal 1, waits.size
    end
    StubServer.open([409, {}, error_body("invalid_request_error", "RESOURCE_CONFLICT")]) do |server|
      client, = stub_client(server)
      assert_raises(Stateset::ConflictError) { client.orders.ship("ord_1", carrier: "UPS", tracking_number: "1") }
      assert_equal 1, server.seen.size
    end
  end

  def test_client_errors_are_not_retried
    StubServer.open([422, {}, error_body("invalid_request_error", "VALIDATION_ERROR", param: "email")]) do |server|
      client, = stub_client(server)
      error = assert_raises(Stateset::InvalidRequestError) { client.customers.create(email: "x") }
      assert_equal "email", error.param
      assert_equal 1, server.seen.size
    end
  end

  def test_retries_stop_at_max_retries
    StubServer.open([503, {}, error_body("api_error", "SERVICE_UNAVAILABLE")]) do |server|
      client, waits = stub_client(server, max_retries: 3)
      assert_raises(Stateset::APIError) { client.account.retrieve }
      assert_equal 4, server.seen.size
      assert_equal 3, waits.size
    end
  end

  def test_a_connection_closed_without_an_answer_is_retried_with_the_same_key
    StubServer.open(:hang_up, [201, {}, CUSTOMER]) do |server|
      client, waits = stub_client(server)
      assert_equal "cus_1", client.customers.create(email: "r@example.com").id
      keys = server.seen.map { |seen| seen.headers["idempotency-key"] }
      assert_equal 2, keys.size
      assert_equal 1, keys.uniq.size
      assert_equal 1, waits.size
    end
  end

  def test_no_answer_at_all_raises_api_connection_error
    port = TCPServer.open("127.0.0.1", 0) { |listener| listener.addr[1] }
    client = Stateset::Client.new(api_key: "sk_test_x", base_url: "http://127.0.0.1:#{port}", max_retries: 1)
    waits = []
    client.define_singleton_method(:pause) { |seconds| waits << seconds }
    error = assert_raises(Stateset::APIConnectionError) { client.account.retrieve }
    assert_nil error.http_status
    assert_includes error.message, "2 attempt(s)"
    assert_equal 1, waits.size
  end

  def test_request_options_override_the_client_for_one_call
    StubServer.open([503, {}, error_body("api_error", "SERVICE_UNAVAILABLE")]) do |server|
      client, = stub_client(server)
      assert_raises(Stateset::APIError) do
        client.account.retrieve(request_options: { api_key: "rk_test_other", max_retries: 0 })
      end
      assert_equal ["Bearer rk_test_other"], server.seen.map { |seen| seen.headers["authorization"] }
      assert_raises(ArgumentError) { client.account.retrieve(request_options: { retries: 1 }) }
    end
  end
end
