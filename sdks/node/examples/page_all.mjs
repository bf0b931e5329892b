// Pages every order of the account, 100 a request, with auto-paging; prints
// {"count": N, "seconds": S} (used by `make bench`).
import Stateset from 'stateset';

const stateset = new Stateset({
  apiKey: process.env.STATESET_API_KEY,
  baseUrl: process.env.STATESET_BASE_URL,
});

const started = performance.now();
let count = 0;
for await (const order of stateset.orders.list({ limit: 100 })) {
  if (order.id) count += 1;
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ count, seconds: Number(seconds.toFixed(3)) }));
