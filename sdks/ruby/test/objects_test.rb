# frozen_string_literal: true

require "test_helper"

# Objects read as REST answers them; pages walk lazily; enums are frozen constants.
class ObjectsTest < Minitest::Test
  ORDER = {
    id: "ord_1", object: "order", livemode: false, currency: "USD", amount: 2500, amount_paid: 2500,
    status: "paid", shipping_address: { line1: "1 Main St", city: "Springfield" }, metadata: { "note" => "x" },
    line_items: [{ sku: "SKU-1", name: "Widget", quantity: 2, unit_amount: 1250, amount: 2500 }],
    payments: [{ id: "pay_1", status: "succeeded", method: "card", card: { brand: "visa", last4: "4242" } }],
    refunds: [], a_field_from_the_future: 1
  }.freeze

  def test_fields_are_readers_under_rest_names_and_nested_objects_are_objects
    order = Stateset::Order.construct(ORDER)
    assert_equal ["ord_1", 2500, "paid"], [order.id, order.amount_paid, order.status]
    assert_instance_of Stateset::Address, order.shipping_address
    assert_equal "Springfield", order.shipping_address.city
    assert_instance_of Stateset::LineItem, order.line_items.first
    assert_equal 1250, order.line_items.first.unit_amount
    assert_equal "4242", order.payments.first.card.last4
    assert_equal "card", order.payments.first.method
    assert_equal [], order.refunds
    assert_nil order.tracking_number
  end

  def test_to_h_is_the_object_as_sent_unknown_fields_included
    order = Stateset::Order.construct(ORDER)
    assert_equal ORDER, order.to_h
    assert_equal 1, order[:a_field_from_the_future]
    assert_equal 2500, order["amount_paid"]
    refute_respond_to order, :a_field_from_the_future
    assert_equal Stateset::Order.construct(ORDER), order
    assert_equal JSON.generate(ORDER), order.to_json
  end

  def test_the_last_response_is_readable
    last = Stateset::LastResponse.new(request_id: "req_1", http_status: 200, headers: {})
    assert_equal "req_1", Stateset::Order.construct(ORDER, last).last_response.request_id
  end

  def test_enums_are_frozen_constant_lists
    assert_equal "shipped", Stateset::OrderStatus::SHIPPED
    assert_includes Stateset::OrderStatus::VALUES, "refunded"
    assert_predicate Stateset::OrderStatus::VALUES, :frozen?
    assert_equal %w[per_minute], Stateset::RateLimits.fields.grep(/per_minute/).map(&:to_s)
  end

  def page_of(ids, cursor)
    { object: "list", url: "/v1/customers", data: ids.map { |id| { id: id, object: "customer" } },
      has_more: !cursor.nil?, next_cursor: cursor }
  end

  def test_auto_paging_is_lazy_and_keeps_the_query
    StubServer.open([200, {}, page_of(%w[c1 c2], "k2")], [200, {}, page_of(%w[c3 c4], "k3")],
                    [200, {}, page_of(%w[c5], nil)]) do |server|
      client = Stateset::Client.new(api_key: "sk_test_x", base_url: server.url)
      page = client.customers.list(limit: 2, email_like: "%@example.com")
      assert_equal [%w[c1 c2], true, "k2"], [page.map(&:id), page.has_more, page.next_cursor]
      walk = page.auto_paging_each
      assert_instance_of Enumerator, walk
      assert_equal %w[c1 c2], [walk.next.id, walk.next.id]
      assert_equal 1, server.seen.size, "nothing fetched ahead"
      ids = %w[c1 c2] << walk.next.id
      assert_equal 2, server.seen.size
      loop { ids << walk.next.id }
      assert_equal %w[c1 c2 c3 c4 c5], ids
      assert_equal 3, server.seen.size
      queries = server.seen.map(&:query)
      assert_equal({ "limit" => "2", "email_like" => "%@example.com" }, queries[0])
      assert_equal({ "limit" => "2", "email_like" => "%@example.com", "cursor" => "k2" }, queries[1])
      assert_equal "k3", queries.last["cursor"]
    end
  end

  def test_auto_paging_each_with_a_block_walks_every_page
    StubServer.open([200, {}, page_of(%w[c1], "k2")], [200, {}, page_of(%w[c2], nil)]) do |server|
      client = Stateset::Client.new(api_key: "sk_test_x", base_url: server.url)
      ids = []
      page = client.customers.list(limit: 1)
      assert_same page, page.auto_paging_each { |customer| ids << customer.id }
      assert_equal %w[c1 c2], ids
    end
  end

  def test_a_page_enumerates_its_own_items_only
    page = Stateset::Page.construct(page_of(%w[c1 c2], "k2"), Stateset::Customer, nil, nil)
    assert_equal %w[c1 c2], page.each.map(&:id)
    assert_equal 2, page.count
    assert_nil page.next_page
    assert_instance_of Stateset::Customer, page.first
  end
end
