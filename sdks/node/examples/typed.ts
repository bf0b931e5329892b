// The SDK from TypeScript: checked by `tsc --noEmit` (test/types.test.js), so the
// declarations are known to describe the library. Not run.
import Stateset, {
  CardError,
  ConflictError,
  type Customer,
  type Event,
  type Job,
  type JobStatus,
  type Order,
  type OrderCreateParams,
  type OrderStatus,
  type Page,
  type Response,
  SignatureVerificationError,
  StatesetError,
} from 'stateset';

const stateset = new Stateset({ apiKey: 'sk_test_...', baseUrl: 'http://127.0.0.1:8000', timeout: 10_000, maxRetries: 3 });

export async function merchantFlow(): Promise<Order> {
  const item = await stateset.inventory.create({ sku: 'SKU-1', name: 'Widget', on_hand: 10 });
  const available: number = item.available;
  const customer: Response<Customer> = await stateset.customers.create({ email: 'ada@example.com' });
  const requestId: string | null = customer.lastResponse.requestId;
  const params: OrderCreateParams = {
    customer_id: customer.id,
    currency: 'usd',
    line_items: [{ sku: item.sku, name: item.name, quantity: available > 0 ? 1 : 0, unit_amount: 1250 }],
  };
  const order = await stateset.orders.create(params, { idempotencyKey: `order-${requestId}` });
  const status: OrderStatus = order.status;
  await stateset.orders.pay(order.id, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' } });
  await stateset.orders.process(order.id, { timeout: 5_000 });
  await stateset.orders.ship(order.id, { carrier: 'UPS', tracking_number: '1Z' });
  const refunded = await stateset.orders.refund(order.id, { amount: 500 });
  const refundIds: string[] = refunded.refunds.map((r) => r.id);
  const lastFour: string | undefined = refunded.payments[0]?.card?.last4;
  console.log(status, refundIds, lastFour);
  await stateset.webhookEndpoints.rotateSecret('we_1');
  // @ts-expect-error ship needs carrier and tracking_number
  await stateset.orders.ship(order.id, { carrier: 'UPS' });
  // @ts-expect-error 'lost' is no order status
  const wrong: OrderStatus = 'lost';
  console.log(wrong);
  return refunded;
}

export async function paging(): Promise<number> {
  let count = 0;
  for await (const customer of stateset.customers.list({ limit: 100, email_like: '%@example.com' })) {
    const email: string = customer.email;
    count += email ? 1 : 0;
  }
  const page: Page<Order> = await stateset.orders.list({ status_in: ['paid', 'shipped'], amount_gte: 100 });
  const next: Page<Order> | null = await page.nextPage();
  const cursor: string | null = page.next_cursor;
  const first: Order[] = await stateset.orders.list().autoPagingToArray({ limit: 10 });
  return count + page.data.length + (next?.data.length ?? 0) + first.length + (cursor ? 1 : 0);
}

export async function errors(orderId: string): Promise<string | null> {
  try {
    await stateset.orders.pay(orderId, { card: { number: '4000000000000002', exp_month: 1, exp_year: 2040, cvc: '1' } });
  } catch (error) {
    if (error instanceof CardError) return error.declineCode ?? error.paymentId;
    if (error instanceof ConflictError) return String(error.details[0]?.from);
    if (error instanceof Stateset.errors.RateLimitError) return error.limit;
    if (error instanceof StatesetError) return `${error.httpStatus} ${error.code} ${error.requestId}`;
    throw error;
  }
  return null;
}

export function webhook(rawBody: Buffer, header: string): Event {
  try {
    return Stateset.webhooks.constructEvent(rawBody, header, ['whsec_new', 'whsec_old']);
  } catch (error) {
    if (error instanceof SignatureVerificationError) console.log(error.sigHeader);
    throw error;
  }
}

export async function graphqlAndSubscriptions(): Promise<void> {
  const data = await stateset.graphql<{ account: { id: string } }>('{ account { id } }');
  console.log(data.account.id, data.lastResponse.requestId);
  type Result = { events: Pick<Event, 'id' | 'type' | 'sequence'> };
  const query = 'subscription($since: ID) { events(types: ["order.*"], since: $since) { id type sequence } }';
  for await (const result of stateset.subscribe<Result>(query, { since: null })) {
    console.log(result.events.sequence, result.events.type);
  }
}

export async function batchAndFiles(stream: NodeJS.ReadableStream & AsyncIterable<Uint8Array>): Promise<Buffer> {
  const batch = await stateset.batch.create({
    operations: [
      { method: 'POST', path: '/v1/customers', body: { email: 'ann@example.com' } },
      { method: 'GET', path: '/v1/customers?limit=1' },
    ],
    atomic: false,
  });
  console.log(batch.results.map((r) => r.status), batch.lastResponse.requestId);
  const fromPath = await stateset.files.create({ file: 'customers.jsonl', purpose: 'bulk_input' });
  const fromStream = await stateset.files.create({ file: stream, filename: 'customers.jsonl' });
  console.log(fromPath.sha256 === fromStream.sha256, (await stateset.files.retrieve(fromPath.id)).size);
  return stateset.files.contents(fromPath.id);
}

export async function streamsAndJobs(fileId: string): Promise<number> {
  const contents = await stateset.files.streamContents(fileId);
  let size = 0;
  for await (const chunk of contents) size += (chunk as Buffer).length;
  console.log(contents.lastResponse.requestId);

  const job: Response<Job> = await stateset.jobs.create({
    type: 'bulk_mutation',
    mutation: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    variables_file: fileId,
    error_policy: 'continue',
  });
  const ended = await stateset.jobs.wait(job.id, { timeout: 60_000 });
  const status: JobStatus = ended.status;
  for await (const result of stateset.jobs.results(job.id)) {
    const line: number = result.line;
    console.log(line, result.error?.code ?? result.data);
  }
  const results = await stateset.jobs.results<{ id: string }>(job.id);
  for await (const node of results) console.log(node.id, results.lastResponse.httpStatus);
  console.log(status);
  return size;
}
