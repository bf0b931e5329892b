# The merchant flow: stock, a customer, an order paid, processed, shipped, delivered and
# partly refunded. Reads STATESET_API_KEY and STATESET_BASE_URL from the environment.
require "securerandom"
require "stateset"

client = Stateset::Client.new(
  api_key: ENV.fetch("STATESET_API_KEY"),
  base_url: ENV.fetch("STATESET_BASE_URL", "http://127.0.0.1:8000")
)

sku = "WIDGET-#{SecureRandom.hex(4)}"
item = client.inventory.create(sku: sku, name: "Widget", on_hand: 10)
puts "stocked #{item.on_hand} of #{item.sku}"

customer = client.customers.create(email: "ada-#{SecureRandom.hex(4)}@example.com", name: "Ada")
puts "customer #{customer.id} <#{customer.email}>"

order = client.orders.create(
  currency: "usd",
  customer_id: customer.id,
  line_items: [{ sku: sku, name: "Widget", quantity: 2, unit_amount: 1250 }]
)
puts "order #{order.id}: #{order.status}, #{order.amount} #{order.currency}"

card = { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" }
order = client.orders.pay(order.id, card: card)
puts "paid #{order.amount_paid} with the card ending #{order.payments.last.card.last4}"

order = client.orders.process(order.id)
order = client.orders.ship(order.id, carrier: "UPS", tracking_number: "1Z999AA10123456784")
puts "shipped with #{order.carrier} #{order.tracking_number}"
order = client.orders.deliver(order.id)
order = client.orders.refund(order.id, amount: 500, reason: "arrived late")
puts "#{order.status}: paid #{order.amount_paid}, refunded #{order.amount_refunded}"
puts "request id #{order.last_response.request_id}"

begin
  client.orders.ship(order.id, carrier: "UPS", tracking_number: "again")
rescue Stateset::ConflictError => e
  puts "cannot ship it again: #{e.message}"
end
