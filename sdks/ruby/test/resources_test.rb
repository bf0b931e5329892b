# frozen_string_literal: true

require "test_helper"

# The generated resources: keyword arguments named as REST names them, sent as REST wants.
class ResourcesTest < Minitest::Test
  include StubClient

  ORDER = { id: "ord_1", object: "order", status: "paid" }.freeze
  LIST = { object: "list", data: [], has_more: false, next_cursor: nil }.freeze

  def test_actions_send_their_body_to_their_path
    StubServer.open([200, {}, ORDER]) do |server|
      client, = stub_client(server)
      card = { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" }
      order = client.orders.pay("ord_1", card: card)
      assert_instance_of Stateset::Order, order
      seen = server.seen.last
      assert_equal ["POST", "/v1/orders/ord_1/pay"], [seen.method, seen.path]
      assert_equal({ card: card }, seen.json)
      assert_equal "application/json", seen.headers["content-type"]
      assert_equal "Bearer sk_test_stub", seen.headers["authorization"]
      assert_match %r{\Astateset-ruby/0\.1\.0}, seen.headers["user-agent"]
      client.orders.process("ord_1")
      assert_equal({}, server.seen.last.json)
    end
  end

  def test_required_keywords_are_required_and_unknown_ones_refused
    client = Stateset::Client.new(api_key: "sk_test_x", base_url: "http://127.0.0.1:9")
    assert_raises(ArgumentError) { client.orders.ship("ord_1", carrier: "UPS") }
    assert_raises(ArgumentError) { client.orders.create(currency: "usd") }
    assert_raises(ArgumentError) { client.customers.list(no_such_filter: 1) }
    assert_raises(ArgumentError) { client.orders.retrieve("") }
  end

  def test_optional_fields_left_out_are_not_sent_and_nil_sends_null
    StubServer.open([200, {}, ORDER]) do |server|
      client, = stub_client(server)
      client.customers.update("cus_1", name: nil, phone: "555")
      assert_equal({ name: nil, phone: "555" }, server.seen.last.json)
    end
  end

  def test_filters_are_sent_as_rest_names_them
    StubServer.open([200, {}, LIST]) do |server|
      client, = stub_client(server)
      client.orders.list(status_in: %w[pending processing], amount_gte: 100, include_total: true,
                         created_between: [Time.utc(2024, 1, 1), Date.new(2024, 1, 31)], customer_id_eq: nil)
      assert_equal({ "status_in" => "pending,processing", "amount_gte" => "100", "include_total" => "true",
                     "created_between" => "2024-01-01T00:00:00Z,2024-01-31" }, server.seen.last.query)
    end
  end

  def test_ids_are_escaped_into_one_path_segment
    StubServer.open([200, {}, ORDER]) do |server|
      client, = stub_client(server)
      client.orders.retrieve("a/b c")
      assert_equal "/v1/orders/a%2Fb%20c", server.seen.last.path
    end
  end

  def test_a_base_url_with_a_path_keeps_it
    StubServer.open([200, {}, { id: "acct_1", object: "account" }]) do |server|
      client = Stateset::Client.new(api_key: "sk_test_x", base_url: "#{server.url}/prefix/")
      client.account.retrieve
      assert_equal "/prefix/v1/account", server.seen.last.path
    end
  end

  def test_every_resource_of_the_surface_is_on_the_client
    client = Stateset::Client.new(api_key: "sk_test_x")
    %i[account customers orders inventory returns subscriptions events webhook_endpoints
       webhook_deliveries api_keys].each do |name|
      assert_kind_of Stateset::Resources::Resource, client.public_send(name), name
    end
    assert_respond_to client.webhook_endpoints, :rotate_secret
    assert_respond_to client.inventory, :adjust
  end

  def test_graphql_sends_query_and_variables_and_answers_data
    StubServer.open([200, {}, { data: { createCustomer: { id: "cus_1" } } }]) do |server|
      client, = stub_client(server)
      data = client.graphql("mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }",
                            { i: { email: "g@example.com" } })
      assert_equal "cus_1", data[:createCustomer][:id]
      seen = server.seen.last
      assert_equal "/graphql", seen.path
      assert_equal({ email: "g@example.com" }, seen.json[:variables][:i])
      assert seen.headers["idempotency-key"]
    end
  end

  def test_the_client_needs_a_key
    original = ENV.delete("STATESET_API_KEY")
    assert_raises(ArgumentError) { Stateset::Client.new }
  ensure
    ENV["STATESET_API_KEY"] = original if original
  end
end
