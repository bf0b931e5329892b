# frozen_string_literal: true

require "securerandom"
require "test_helper"

# The conformance scenario every SDK runs against the live server (the harness in
# tests/test_sdk_conformance.py sets the variables below). Without STATESET_BASE_URL
# every test skips, naming the variables.
class ConformanceTest < Minitest::Test
  VARIABLES = %w[STATESET_BASE_URL STATESET_API_KEY STATESET_PAGING_API_KEY STATESET_LOSING_URL
                 STATESET_LIMITED_URL STATESET_WEBHOOK_FILE].freeze
  CARD = { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" }.freeze

  def setup
    missing = VARIABLES.reject { |name| ENV[name] }
    unless ENV["STATESET_BASE_URL"]
      skip "the conformance scenario runs against a live server: set #{VARIABLES.join(', ')}"
    end
    flunk "STATESET_BASE_URL is set but not #{missing.join(', ')}" unless missing.empty?
  end

  def client(base_url: ENV.fetch("STATESET_BASE_URL"), api_key: ENV.fetch("STATESET_API_KEY"), **options)
    Stateset::Client.new(api_key: api_key, base_url: base_url, **options)
  end

  def unique(prefix)
    "#{prefix}-#{SecureRandom.hex(6)}"
  end

  def pending_order(sdk)
    sku = unique("SKU")
    sdk.inventory.create(sku: sku, name: "Widget", on_hand: 10)
    customer = sdk.customers.create(email: "#{unique('c')}@example.com", name: "Ada")
    sdk.orders.create(currency: "usd", customer_id: customer.id,
                      line_items: [{ sku: sku, name: "Widget", quantity: 2, unit_amount: 1250 }])
  end

  def assert_request_id(object)
    assert_match(/\Areq_/, object.last_response.request_id)
  end

  def test_merchant_flow
    sdk = client
    sku = unique("SKU")
    item = sdk.inventory.create(sku: sku, name: "Widget", on_hand: 10)
    assert_instance_of Stateset::InventoryItem, item
    assert_equal [sku, 10, 10, "default"], [item.sku, item.on_hand, item.available, item.location]
    assert_equal 201, item.last_response.http_status
    assert_request_id item
    customer = sdk.customers.create(email: "#{unique('ada')}@example.com", name: "Ada")
    assert_match(/\Acus_/, customer.id)
    order = sdk.orders.create(currency: "usd", customer_id: customer.id,
                              line_items: [{ sku: sku, name: "Widget", quantity: 2, unit_amount: 1250 }])
    assert_match(/\Aord_/, order.id)
    assert_equal ["pending", 2500, "USD", customer.id], [order.status, order.amount, order.currency, order.customer_id]
    assert_instance_of Stateset::LineItem, order.line_items.first
    assert_equal [sku, 2, 1250], [order.line_items.first.sku, order.line_items.first.quantity,
                                  order.line_items.first.unit_amount]
    paid = sdk.orders.pay(order.id, card: CARD)
    assert_equal ["paid", 2500], [paid.status, paid.amount_paid]
    assert_equal ["succeeded", "4242"], [paid.payments.first.status, paid.payments.first.card.last4]
    assert_request_id paid
    assert_equal "processing", sdk.orders.process(order.id).status
    shipped = sdk.orders.ship(order.id, carrier: "UPS", tracking_number: "1Z999")
    assert_equal %w[shipped UPS 1Z999], [shipped.status, shipped.carrier, shipped.tracking_number]
    delivered = sdk.orders.deliver(order.id)
    assert_equal "delivered", delivered.status
    refute_nil delivered.delivered_at
    refunded = sdk.orders.refund(order.id, amount: 500, reason: "late")
    assert_equal [2500, 500], [refunded.amount_paid, refunded.amount_refunded]
    assert_equal [500, "succeeded"], [refunded.refunds.first.amount, refunded.refunds.first.status]
    assert_includes Stateset::OrderStatus::VALUES, refunded.status
    assert_request_id refunded
    fetched = sdk.orders.retrieve(order.id)
    assert_equal rest_get("/v1/orders/#{order.id}"), fetched.to_h # as REST gives it, field for field
    assert_equal refunded.to_h, fetched.to_h
    fetched.to_h.each do |name, value|
      next unless fetched.respond_to?(name)

      read = plain(fetched.public_send(name))
      value.nil? ? assert_nil(read, name) : assert_equal(value, read, name)
    end
    refute_equal refunded.last_response.request_id, fetched.last_response.request_id
    listed = sdk.orders.list(status_in: [refunded.status], customer_id_eq: customer.id)
    assert_equal [order.id], listed.map(&:id)
  end

  def test_errors
    sdk = client
    order = pending_order(sdk)
    declined = assert_raises(Stateset::CardError) do
      sdk.orders.pay(order.id, card: CARD.merge(number: "4000000000000002"))
    end
    assert_equal [402, "CARD_DECLINED", "card_error"], [declined.http_status, declined.code, declined.type]
    assert declined.decline_code
    assert_match(/\Apay_/, declined.payment_id)
    assert_match(/\Areq_/, declined.request_id)
    assert_equal declined.request_id, declined.http_headers["x-request-id"]
    assert_equal ["failed"], sdk.orders.retrieve(order.id).payments.map(&:status)

    conflict = assert_raises(Stateset::ConflictError) do
      sdk.orders.ship(order.id, carrier: "UPS", tracking_number: "1Z")
    end
    assert_kind_of Stateset::InvalidRequestError, conflict
    assert_equal [409, "RESOURCE_CONFLICT"], [conflict.http_status, conflict.code]
    assert_equal %w[pending shipped], conflict.details.first.values_at(:from, :to)
    assert_match(/\Areq_/, conflict.request_id)

    bad = client(api_key: "sk_test_nope")
    unauthenticated = assert_raises(Stateset::AuthenticationError) { bad.customers.list }
    assert_equal [401, "INVALID_API_KEY"], [unauthenticated.http_status, unauthenticated.code]
    assert_raises(Stateset::AuthenticationError) { bad.graphql("{ account { id } }") }

    missing = assert_raises(Stateset::NotFoundError) { sdk.customers.retrieve("cus_missing") }
    assert_equal [404, "RESOURCE_NOT_FOUND"], [missing.http_status, missing.code]
    invalid = assert_raises(Stateset::InvalidRequestError) { sdk.customers.create(email: "not an email") }
    assert_equal "email", invalid.param
  end

  def test_paging
    sent = []
    sdk = client(api_key: ENV.fetch("STATESET_PAGING_API_KEY"), on_request: ->(request) { sent << request })
    page = sdk.customers.list(limit: 100)
    assert_equal [100, true], [page.data.size, page.has_more]
    walk = page.auto_paging_each
    ids = Array.new(100) { walk.next.id }
    assert_equal 1, sent.size, "nothing fetched ahead"
    ids << walk.next.id
    assert_equal 2, sent.size
    loop { ids << walk.next.id }
    assert_equal 250, ids.size
    assert_equal 250, ids.uniq.size
    assert_operator sent.size, :>=, 3
    cursors = sent.map { |request| request.query.to_h["cursor"] }
    assert_nil cursors.first
    assert_equal sent.size - 1, cursors.drop(1).compact.uniq.size
    assert(sent.all? { |request| request.query.to_h["limit"] == "100" })
  end

  def test_lost_response
    email = "#{unique('lost')}@example.com"
    sent = []
    losing = client(base_url: ENV.fetch("STATESET_LOSING_URL"), on_request: ->(request) { sent << request })
    customer = losing.customers.create(email: email)
    assert_equal email, customer.email
    assert_equal 2, sent.size
    assert_equal [customer.last_response.idempotency_key], sent.map(&:idempotency_key).uniq
    assert_equal "true", customer.last_response.headers["idempotent-replayed"]
    found = client.customers.list(email_eq: email)
    assert_equal [customer.id], found.map(&:id)
  end

  def test_rate_limited
    limited = client(base_url: ENV.fetch("STATESET_LIMITED_URL"))
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    account = limited.account.retrieve
    waited = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    assert_match(/\Aacct_/, account.id)
    assert_operator waited, :>=, 1.0
  end

  def test_webhook
    file = JSON.parse(File.read(ENV.fetch("STATESET_WEBHOOK_FILE")))
    payload, header, secret = file.values_at("payload", "header", "secret")
    event = Stateset::Webhook.construct_event(payload, header, secret)
    assert_instance_of Stateset::Event, event
    assert_equal [file["event_id"], file["event_type"]], [event.id, event.type]

    changed = payload.dup # one byte of the event's id changed
    at = changed.index(file["event_id"]) + file["event_id"].size - 1
    changed[at] = changed[at] == "0" ? "1" : "0"
    assert_equal payload.bytesize, changed.bytesize
    assert_raises(Stateset::SignatureVerificationError) do
      Stateset::Webhook.construct_event(changed, header, secret)
    end
    stale = Stateset::Webhook::Signature.header_for(payload, secret, timestamp: Time.now.to_i - 301)
    error = assert_raises(Stateset::SignatureVerificationError) do
      Stateset::Webhook.construct_event(payload, stale, secret)
    end
    assert_includes error.message, "tolerance"
    fresh = Stateset::Webhook::Signature.header_for(payload, secret)
    assert_equal event.id, Stateset::Webhook.construct_event(payload, fresh, secret).id
    refused = assert_raises(TypeError) { Stateset::Webhook.construct_event(JSON.parse(payload), header, secret) }
    assert_includes refused.message, "raw request body"
  end

  private

  # An object straight from REST, without the SDK.
  def rest_get(path)
    uri = URI("#{ENV.fetch('STATESET_BASE_URL').chomp('/')}#{path}")
    request = Net::HTTP::Get.new(uri, "Authorization" => "Bearer #{ENV.fetch('STATESET_API_KEY')}")
    response = Net::HTTP.start(uri.host, uri.port) { |http| http.request(request) }
    JSON.parse(response.body, symbolize_names: true)
  end

  # A reader's value as JSON carries it.
  def plain(value)
    case value
    when Stateset::StatesetObject then value.to_h
    when Array then value.map { |item| plain(item) }
    else value
    end
  end
end
