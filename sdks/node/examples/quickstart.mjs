// The merchant flow: stock an item, add a customer, take an order, pay, fulfil, refund part.
import Stateset from 'stateset';

const stateset = new Stateset({
  apiKey: process.env.STATESET_API_KEY,
  baseUrl: process.env.STATESET_BASE_URL,
});

const sku = `WIDGET-${Date.now()}`;
const item = await stateset.inventory.create({ sku, name: 'Widget', on_hand: 10 });
console.log(`stocked ${item.on_hand} of ${item.sku} (${item.id})`);

const customer = await stateset.customers.create({
  email: `ada-${Date.now()}@example.com`,
  name: 'Ada Lovelace',
});
console.log(`customer ${customer.id} <${customer.email}>`);

let order = await stateset.orders.create({
  customer_id: customer.id,
  currency: 'usd',
  line_items: [{ sku, name: 'Widget', quantity: 2, unit_amount: 1250 }],
});
console.log(`order ${order.id}: ${order.status}, ${order.amount} ${order.currency}`);

order = await stateset.orders.pay(order.id, {
  card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
});
console.log(`paid ${order.amount_paid} (request ${order.lastResponse.requestId})`);

order = await stateset.orders.process(order.id);
order = await stateset.orders.ship(order.id, { carrier: 'UPS', tracking_number: '1Z999AA10123456784' });
console.log(`shipped with ${order.carrier} ${order.tracking_number}`);
order = await stateset.orders.deliver(order.id);
console.log(`order ${order.id}: ${order.status}`);

order = await stateset.orders.refund(order.id, { amount: 500 });
console.log(`refunded ${order.amount_refunded} of ${order.amount}`);

try {
  await stateset.orders.cancel(order.id);
} catch (error) {
  if (!(error instanceof Stateset.errors.ConflictError)) throw error;
  console.log(`a delivered order cannot be cancelled: ${error.code} (request ${error.requestId})`);
}
