// Typed GraphQL against a running StateSet GQL server: the documents and their types come
// from `npm run codegen` (gql/, from ../../../schema.graphql and operations.graphql).
// Queries and mutations go over fetch; the subscription over graphql-ws (with `ws`).
//
//   STATESET_API_KEY=sk_test_... STATESET_BASE_URL=http://127.0.0.1:8000 npm run example
import { randomUUID } from "node:crypto";

import { createClient } from "graphql-ws";
import WebSocket from "ws";

import {
  AccountDocument,
  CreateCustomerDocument,
  CreateOrderDocument,
  EventsDocument,
  LatestEventDocument,
  OrdersByStatusDocument,
  StockItemDocument,
  type EventsSubscription,
  type TypedDocumentString,
} from "./gql/graphql.js";

const apiKey = process.env.STATESET_API_KEY;
if (!apiKey) throw new Error("set STATESET_API_KEY (an sk_test_... key)");
const baseUrl = process.env.STATESET_BASE_URL ?? "http://127.0.0.1:8000";
const authorization = `Bearer ${apiKey}`;

/** A GraphQL error as the API sends it: `extensions` is its error body (type, code, ...). */
class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** One typed operation over HTTP: the variables are checked, the result is typed. */
async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json",
      Authorization: authorization,
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as {
    data?: TResult | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  const [error] = body.errors ?? [];
  if (error) throw new GraphQLRequestError(error.message, error.extensions ?? {});
  if (!body.data) throw new Error(`no data (HTTP ${response.status})`);
  return body.data;
}

const { account } = await execute(AccountDocument);
console.log(`account ${account.id} (${account.livemode ? "live" : "test"} mode)`);

const run = randomUUID().slice(0, 8); // SKUs and emails of their own on every run
const sku = `MUG-${run}`;
const { createInventoryItem: item } = await execute(StockItemDocument, {
  input: { sku, name: "Mug", onHand: 10 },
});
console.log(`stocked ${item.sku}: ${item.available} available`);

// Subscribe from the newest event on: the server first replays what came after it, so
// the customer created below is received even if it commits before the socket subscribes.
const latest = await execute(LatestEventDocument);
const since = latest.events.nodes[0]?.id ?? null;

const ws = createClient({
  url: `${baseUrl.replace(/^http/, "ws")}/graphql`,
  webSocketImpl: WebSocket,
  connectionParams: { authorization },
});
const events = ws.iterate<EventsSubscription>({
  query: EventsDocument.toString(),
  variables: { types: ["customer.created"], since },
});

const { createCustomer: customer } = await execute(CreateCustomerDocument, {
  input: { email: `grace+${run}@example.com`, name: "Grace Hopper" },
});
console.log(`customer ${customer.id} ${customer.email}`);

for await (const result of events) {
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join("; "));
  const event = result.data?.events;
  const object = (event?.data as { object?: { id?: string } } | undefined)?.object;
  if (event && object?.id === customer.id) {
    console.log(`received ${event.type} ${event.id} for ${object.id} (sequence ${event.sequence})`);
    break; // leaving the loop completes the subscription
  }
}
await ws.dispose();

const { createOrder: order } = await execute(CreateOrderDocument, {
  input: {
    currency: "usd",
    customerId: customer.id,
    lineItems: [{ sku, name: "Mug", quantity: 2, unitAmount: 1500 }],
  },
});
console.log(`order ${order.id} ${order.status} ${order.amount} ${order.currency}`);

// Enum values are checked: "PENDNG" would not compile.
const { orders } = await execute(OrdersByStatusDocument, { statuses: ["PENDING"], first: 100 });
const listed = orders.nodes.some((node) => node.id === order.id);
console.log(`pending orders: ${orders.totalCount}, ${order.id} ${listed ? "among them" : "missing"}`);

try {
  await execute(CreateOrderDocument, {
    input: { currency: "usd", lineItems: [{ sku, name: "Mug", quantity: 999, unitAmount: 1500 }] },
  });
} catch (error) {
  if (!(error instanceof GraphQLRequestError)) throw error;
  const { type, code } = error.extensions;
  console.log(`refused ${String(type)} ${String(code)}: ${error.message}`);
}
