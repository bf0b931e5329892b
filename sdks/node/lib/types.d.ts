// Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

// Enums: the values REST sends and accepts.
export type ApiKeyType = 'sk' | 'rk' | 'pk';
export type CustomerSubscriptionInterval = 'week' | 'month' | 'year';
export type CustomerSubscriptionStatus = 'active' | 'cancelled';
export type JobErrorPolicy = 'continue' | 'stop';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobType = 'bulk_mutation' | 'bulk_query';
export type Mode = 'test' | 'live';
export type OrderStatus =
  | 'pending'
  | 'paid'
  | 'processing'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'refunded';
export type PaymentMethod = 'card' | 'external';
export type PaymentStatus = 'succeeded' | 'failed';
/** The account's plan, which sets its keys' rate limits. */
export type Plan = 'free' | 'starter' | 'growth' | 'scale' | 'enterprise';
export type RefundStatus = 'succeeded';
export type ReturnStatus = 'requested' | 'approved' | 'received' | 'processed' | 'rejected';
export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';
export type WebhookEndpointStatus = 'enabled' | 'disabled';

// Objects: REST's fields under REST's names.

/** Who is calling: the account, mode, key type, scopes and plan. */
export interface Account {
  id: string;
  object: string;
  name: string;
  plan: Plan;
  livemode: boolean;
  mode: Mode;
  key_id: string;
  key_type: ApiKeyType;
  scopes: Array<string>;
  limits: RateLimits;
}

/** A Address as REST answers it. */
export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

/** A ApiKey as REST answers it. */
export interface ApiKey {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  type: ApiKeyType;
  name: string | null;
  scopes: Array<string>;
  /** The prefix and last four characters. */
  redacted: string;
  revoked: boolean;
  /** The whole key: given once, in the answer to `createApiKey`, never again. */
  secret: string | null;
}

/** A Customer as REST answers it. */
export interface Customer {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  email: string;
  name: string | null;
  phone: string | null;
  address: Address | null;
  metadata: any;
}

/** A CustomerSubscription as REST answers it. */
export interface CustomerSubscription {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  customer_id: string;
  plan: string;
  amount: number;
  currency: string;
  interval: CustomerSubscriptionInterval;
  status: CustomerSubscriptionStatus;
  current_period_start: string;
  current_period_end: string;
  cancelled_at: string | null;
  metadata: any;
}

/** What a delete answers: the id, the object's type, and `deleted`. */
export interface DeletedObject {
  id: string;
  object: string;
  deleted: boolean;
}

/** A Event as REST answers it. */
export interface Event {
  id: string;
  object: string;
  type: string;
  api_version: string;
  created: string;
  livemode: boolean;
  account: string;
  sequence: number;
  /** `{object, previous_attributes}` in the REST (snake_case) form. */
  data: any;
  request: EventRequest;
}

/** A EventRequest as REST answers it. */
export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

/** Stock of one sku at one location. */
export interface InventoryItem {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  sku: string;
  name: string;
  location: string;
  /** Units counted at the location. */
  on_hand: number;
  /** Units held for orders not yet shipped. */
  reserved: number;
  /** `onHand - reserved`: what can be sold. */
  available: number;
  /** `inventory.low_stock` fires when `available` falls to this or below. */
  low_stock_threshold: number;
  metadata: any;
}

/**
 * A bulk job: a mutation run once a line of variables, or a query exported. Its results: `GET
 * /v1/jobs/{id}/results` (JSONL).
 */
export interface Job {
  id: string;
  object: string;
  type: JobType;
  status: JobStatus;
  /**
   * Lines to run (a mutation's, known once every line was checked); rows exported so far (a
   * query's).
   */
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  error_policy: JobErrorPolicy;
  /** Why the whole job failed: `code`, `message` and, for a line, `line`. */
  error: any;
  created: string;
  started_at: string | null;
  finished_at: string | null;
  results_expires_at: string | null;
  livemode: boolean;
}

/** A LineItem as REST answers it. */
export interface LineItem {
  sku: string;
  name: string;
  quantity: number;
  unit_amount: number;
  amount: number;
}

/** A Order as REST answers it. */
export interface Order {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  customer_id: string | null;
  currency: string;
  subtotal: number;
  tax: number;
  shipping_cost: number;
  amount: number;
  amount_paid: number;
  amount_refunded: number;
  status: OrderStatus;
  location: string;
  shipping_address: Address | null;
  carrier: string | null;
  tracking_number: string | null;
  cancellation_reason: string | null;
  paid_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  metadata: any;
  line_items: Array<LineItem>;
  /** Every attempt to pay, failed ones included, oldest first. */
  payments: Array<Payment>;
  /** Refunds, oldest first. */
  refunds: Array<Refund>;
}

/** A Payment as REST answers it. */
export interface Payment {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  metadata: any;
  order_id: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  method: PaymentMethod;
  card: PaymentCard | null;
  decline_code: string | null;
  failure_message: string | null;
  external_reference: string | null;
}

/** What is kept of a card: never its number or security code. */
export interface PaymentCard {
  brand: string;
  last4: string;
  exp_month: number | null;
  exp_year: number | null;
}

/** The plan's request limits for one key. */
export interface RateLimits {
  per_minute: number | null;
  per_day: number | null;
  burst_per_second: number | null;
  concurrent: number | null;
}

/** A Refund as REST answers it. */
export interface Refund {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  metadata: any;
  order_id: string;
  payment_id: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  status: RefundStatus;
}

/**
 * One API request as it was answered (kept 30 days); its id is the response's `X-Request-Id`. Never
 * a key's secret, a card number or a request body.
 */
export interface RequestLog {
  id: string;
  object: string;
  method: string;
  /** The route's template (`/v1/orders/{id}`, `/graphql`, `/v1/batch`). */
  path: string;
  status: number;
  /** Time to answer, in milliseconds. */
  duration_ms: number;
  api_key_id: string;
  idempotency_key: string | null;
  /** The GraphQL operation's name (`/graphql`), or null. */
  graphql_operation: string | null;
  /**
   * The error body's `error` object when the request failed (status 400 and over), card-number-like
   * digits and key secrets scrubbed.
   */
  error: any;
  created: string;
  livemode: boolean;
}

/** A Return as REST answers it. */
export interface Return {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  order_id: string;
  status: ReturnStatus;
  reason: string | null;
  rejection_reason: string | null;
  restock: boolean;
  refund_amount: number | null;
  refund_id: string | null;
  currency: string;
  approved_at: string | null;
  received_at: string | null;
  processed_at: string | null;
  rejected_at: string | null;
  metadata: any;
  /** The SKUs and quantities this return claims. */
  items: Array<ReturnItem>;
}

/** A ReturnItem as REST answers it. */
export interface ReturnItem {
  sku: string;
  quantity: number;
}

/** A WebhookAttempt as REST answers it. */
export interface WebhookAttempt {
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  /** The response's first 1 KB. */
  response_body: string | null;
}

/** A WebhookDelivery as REST answers it. */
export interface WebhookDelivery {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: Array<WebhookAttempt>;
  next_attempt_at: string | null;
  metadata: any;
}

/** A WebhookEndpoint as REST answers it. */
export interface WebhookEndpoint {
  id: string;
  object: string;
  livemode: boolean;
  created: string;
  updated: string;
  url: string;
  enabled_events: Array<string>;
  description: string | null;
  status: WebhookEndpointStatus;
  /** Shown when the endpoint is created and when its secret is rotated; null otherwise. */
  secret: string | null;
  metadata: any;
}

// Inputs: the objects a body field takes.

/** The body of AddressInput. */
export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

/** A counted change of stock on hand: positive adds, negative removes. */
export interface AdjustInventoryInput {
  delta: number;
  reason?: string | null;
}

/** A test card (test mode only). */
export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
}

/** The body of CreateApiKeyInput. */
export interface CreateApiKeyInput {
  type: ApiKeyType;
  name?: string | null;
  /** For restricted keys: e.g. `orders:read`, `customers:write`. */
  scopes?: Array<string> | null;
}

/** The body of CreateCustomerInput. */
export interface CreateCustomerInput {
  email: string;
  name?: string | null;
  phone?: string | null;
  address?: AddressInput | null;
  metadata?: any;
}

/** The body of CreateCustomerSubscriptionInput. */
export interface CreateCustomerSubscriptionInput {
  customer_id: string;
  plan: string;
  /** Minor units billed each interval. */
  amount: number;
  currency: string;
  interval: CustomerSubscriptionInterval;
  metadata?: any;
}

/** The body of CreateInventoryItemInput. */
export interface CreateInventoryItemInput {
  sku: string;
  name: string;
  /** Defaults to `"default"`. */
  location?: string | null;
  /** Defaults to 0. */
  on_hand?: number | null;
  /** Defaults to 0 (only running out is reported). */
  low_stock_threshold?: number | null;
  metadata?: any;
}

/** A job, as `POST /v1/jobs` takes it. */
export interface CreateJobInput {
  type: JobType;
  /** A bulk mutation's document: one mutation with exactly one root field. */
  mutation?: string | null;
  /** A bulk query's document: one query whose one root field is a list. */
  query?: string | null;
  /** A `bulk_input` file (`POST /v1/files`): JSONL, one object of variables a line. */
  variables_file?: string | null;
  /** Lines of variables, one object a run (at most 1,000; more as `variablesFile`). */
  variables?: Array<any> | null;
  /** Run every line (continue, the default) or end the job at the first failed line (stop). */
  error_policy?: JobErrorPolicy | null;
}

/** The body of CreateOrderInput. */
export interface CreateOrderInput {
  currency: string;
  line_items: Array<LineItemInput>;
  customer_id?: string | null;
  tax?: number | null;
  shipping_cost?: number | null;
  location?: string | null;
  shipping_address?: AddressInput | null;
  metadata?: any;
}

/** The body of CreateReturnInput. */
export interface CreateReturnInput {
  order_id: string;
  items: Array<ReturnItemInput>;
  reason?: string | null;
  /** Put the units back on the shelf when received. */
  restock?: boolean | null;
  metadata?: any;
}

/** The body of CreateWebhookEndpointInput. */
export interface CreateWebhookEndpointInput {
  url: string;
  /** Event types (`order.shipped`), families (`order.*`) or `*` for all. */
  enabled_events: Array<string>;
  description?: string | null;
  metadata?: any;
}

/** The body of LineItemInput. */
export interface LineItemInput {
  sku: string;
  name: string;
  quantity: number;
  unit_amount: number;
}

/**
 * Test mode pays with `card`; live mode records a payment taken elsewhere with `externalReference`.
 */
export interface PayOrderInput {
  card?: CardInput | null;
  external_reference?: string | null;
}

/** The body of ProcessReturnInput. */
export interface ProcessReturnInput {
  /** Minor units to refund; defaults to the returned items' value. */
  refund_amount?: number | null;
}

/** `amount` defaults to all that is still refundable. */
export interface RefundOrderInput {
  amount?: number | null;
  reason?: string | null;
}

/** The body of ReturnItemInput. */
export interface ReturnItemInput {
  sku: string;
  quantity: number;
}

/** The body of ShipOrderInput. */
export interface ShipOrderInput {
  carrier: string;
  tracking_number: string;
}

/** Moves available stock of one sku between two locations. */
export interface TransferInventoryInput {
  sku: string;
  from_location: string;
  to_location: string;
  quantity: number;
}

/** Fields to change; a metadata key set to "" is removed. */
export interface UpdateCustomerInput {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: AddressInput | null;
  metadata?: any;
}

/**
 * Fields to change; a metadata key set to "" is removed. Stock changes only through
 * `adjustInventory`, orders and transfers.
 */
export interface UpdateInventoryItemInput {
  name?: string | null;
  low_stock_threshold?: number | null;
  metadata?: any;
}

/**
 * Fields to change. Only metadata (a key set to "" is removed) may change once the order is no
 * longer pending.
 */
export interface UpdateOrderInput {
  customer_id?: string | null;
  tax?: number | null;
  shipping_cost?: number | null;
  shipping_address?: AddressInput | null;
  metadata?: any;
}

/** Fields to change; a metadata key set to "" is removed. */
export interface UpdateWebhookEndpointInput {
  url?: string | null;
  /** Event types (`order.shipped`), families (`order.*`) or `*` for all. */
  enabled_events?: Array<string> | null;
  description?: string | null;
  /** `DISABLED` stops deliveries until `ENABLED`. */
  status?: WebhookEndpointStatus | null;
  metadata?: any;
}

// Params: each method's body fields or query filters.

/** Query filters of GET /v1/customers (List customers). */
export interface CustomerListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** Comma list, `-` for descending; of: id, email, name, created, updated */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  email_between?: Array<string>;
  email_ilike?: string;
  email_like?: string;
  email_gte?: string;
  email_lte?: string;
  email_eq?: string;
  email_ne?: string;
  email_gt?: string;
  email_lt?: string;
  /** comma list */
  email_in?: Array<string>;
  /** low,high */
  name_between?: Array<string>;
  name_ilike?: string;
  name_like?: string;
  name_gte?: string;
  name_lte?: string;
  name_eq?: string;
  name_ne?: string;
  name_gt?: string;
  name_lt?: string;
  /** comma list */
  name_in?: Array<string>;
  /** low,high */
  phone_between?: Array<string>;
  phone_ilike?: string;
  phone_like?: string;
  phone_gte?: string;
  phone_lte?: string;
  phone_eq?: string;
  phone_ne?: string;
  phone_gt?: string;
  phone_lt?: string;
  /** comma list */
  phone_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  updated_between?: Array<string>;
  updated_gte?: string;
  updated_lte?: string;
  updated_eq?: string;
  updated_ne?: string;
  updated_gt?: string;
  updated_lt?: string;
  /** comma list */
  updated_in?: Array<string>;
}

/** Body fields of POST /v1/customers (Create a customer). */
export interface CustomerCreateParams {
  email: string;
  name?: string | null;
  phone?: string | null;
  address?: AddressInput | null;
  metadata?: any;
}

/** Body fields of PATCH /v1/customers/{id} (Update a customer). */
export interface CustomerUpdateParams {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: AddressInput | null;
  metadata?: any;
}

/** Query filters of GET /v1/orders (List orders). */
export interface OrderListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** Comma list, `-` for descending; of: id, amount, created, updated */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  status_eq?: OrderStatus;
  status_ne?: OrderStatus;
  /** comma list */
  status_in?: Array<OrderStatus>;
  /** low,high */
  amount_between?: Array<number>;
  amount_gte?: number;
  amount_lte?: number;
  amount_eq?: number;
  amount_ne?: number;
  amount_gt?: number;
  amount_lt?: number;
  /** comma list */
  amount_in?: Array<number>;
  /** low,high */
  currency_between?: Array<string>;
  currency_ilike?: string;
  currency_like?: string;
  currency_gte?: string;
  currency_lte?: string;
  currency_eq?: string;
  currency_ne?: string;
  currency_gt?: string;
  currency_lt?: string;
  /** comma list */
  currency_in?: Array<string>;
  /** low,high */
  customer_id_between?: Array<string>;
  customer_id_ilike?: string;
  customer_id_like?: string;
  customer_id_gte?: string;
  customer_id_lte?: string;
  customer_id_eq?: string;
  customer_id_ne?: string;
  customer_id_gt?: string;
  customer_id_lt?: string;
  /** comma list */
  customer_id_in?: Array<string>;
  /** low,high */
  location_between?: Array<string>;
  location_ilike?: string;
  location_like?: string;
  location_gte?: string;
  location_lte?: string;
  location_eq?: string;
  location_ne?: string;
  location_gt?: string;
  location_lt?: string;
  /** comma list */
  location_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  updated_between?: Array<string>;
  updated_gte?: string;
  updated_lte?: string;
  updated_eq?: string;
  updated_ne?: string;
  updated_gt?: string;
  updated_lt?: string;
  /** comma list */
  updated_in?: Array<string>;
}

/** Body fields of POST /v1/orders (Create a order). */
export interface OrderCreateParams {
  currency: string;
  line_items: Array<LineItemInput>;
  customer_id?: string | null;
  tax?: number | null;
  shipping_cost?: number | null;
  location?: string | null;
  shipping_address?: AddressInput | null;
  metadata?: any;
}

/** Body fields of PATCH /v1/orders/{id} (Update a order). */
export interface OrderUpdateParams {
  customer_id?: string | null;
  tax?: number | null;
  shipping_cost?: number | null;
  shipping_address?: AddressInput | null;
  metadata?: any;
}

/** Body fields of POST /v1/orders/{id}/pay (Pay). */
export interface OrderPayParams {
  card?: CardInput | null;
  external_reference?: string | null;
}

/** Body fields of POST /v1/orders/{id}/ship (Ship). */
export interface OrderShipParams {
  carrier: string;
  tracking_number: string;
}

/** Body fields of POST /v1/orders/{id}/cancel (Cancel). */
export interface OrderCancelParams {
  reason?: string | null;
}

/** Body fields of POST /v1/orders/{id}/refund (Refund). */
export interface OrderRefundParams {
  amount?: number | null;
  reason?: string | null;
}

/** Body fields of POST /v1/inventory/transfers (Transfer stock). */
export interface InventoryTransferParams {
  sku: string;
  from_location: string;
  to_location: string;
  quantity: number;
}

/** Query filters of GET /v1/inventory (List inventoryItems). */
export interface InventoryListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /**
   * Comma list, `-` for descending; of: id, sku, name, location, on_hand, reserved, available,
   * low_stock_threshold, created, updated
   */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  sku_between?: Array<string>;
  sku_ilike?: string;
  sku_like?: string;
  sku_gte?: string;
  sku_lte?: string;
  sku_eq?: string;
  sku_ne?: string;
  sku_gt?: string;
  sku_lt?: string;
  /** comma list */
  sku_in?: Array<string>;
  /** low,high */
  name_between?: Array<string>;
  name_ilike?: string;
  name_like?: string;
  name_gte?: string;
  name_lte?: string;
  name_eq?: string;
  name_ne?: string;
  name_gt?: string;
  name_lt?: string;
  /** comma list */
  name_in?: Array<string>;
  /** low,high */
  location_between?: Array<string>;
  location_ilike?: string;
  location_like?: string;
  location_gte?: string;
  location_lte?: string;
  location_eq?: string;
  location_ne?: string;
  location_gt?: string;
  location_lt?: string;
  /** comma list */
  location_in?: Array<string>;
  /** low,high */
  on_hand_between?: Array<number>;
  on_hand_gte?: number;
  on_hand_lte?: number;
  on_hand_eq?: number;
  on_hand_ne?: number;
  on_hand_gt?: number;
  on_hand_lt?: number;
  /** comma list */
  on_hand_in?: Array<number>;
  /** low,high */
  reserved_between?: Array<number>;
  reserved_gte?: number;
  reserved_lte?: number;
  reserved_eq?: number;
  reserved_ne?: number;
  reserved_gt?: number;
  reserved_lt?: number;
  /** comma list */
  reserved_in?: Array<number>;
  /** low,high */
  available_between?: Array<number>;
  available_gte?: number;
  available_lte?: number;
  available_eq?: number;
  available_ne?: number;
  available_gt?: number;
  available_lt?: number;
  /** comma list */
  available_in?: Array<number>;
  /** low,high */
  low_stock_threshold_between?: Array<number>;
  low_stock_threshold_gte?: number;
  low_stock_threshold_lte?: number;
  low_stock_threshold_eq?: number;
  low_stock_threshold_ne?: number;
  low_stock_threshold_gt?: number;
  low_stock_threshold_lt?: number;
  /** comma list */
  low_stock_threshold_in?: Array<number>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  updated_between?: Array<string>;
  updated_gte?: string;
  updated_lte?: string;
  updated_eq?: string;
  updated_ne?: string;
  updated_gt?: string;
  updated_lt?: string;
  /** comma list */
  updated_in?: Array<string>;
}

/** Body fields of POST /v1/inventory (Create a inventoryItem). */
export interface InventoryCreateParams {
  sku: string;
  name: string;
  /** Defaults to `"default"`. */
  location?: string | null;
  /** Defaults to 0. */
  on_hand?: number | null;
  /** Defaults to 0 (only running out is reported). */
  low_stock_threshold?: number | null;
  metadata?: any;
}

/** Body fields of PATCH /v1/inventory/{id} (Update a inventoryItem). */
export interface InventoryUpdateParams {
  name?: string | null;
  low_stock_threshold?: number | null;
  metadata?: any;
}

/** Body fields of POST /v1/inventory/{id}/adjust (Adjust). */
export interface InventoryAdjustParams {
  delta: number;
  reason?: string | null;
}

/** Query filters of GET /v1/returns (List returns). */
export interface ReturnListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /**
   * Comma list, `-` for descending; of: id, order_id, status, refund_amount, currency, created,
   * updated
   */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  order_id_between?: Array<string>;
  order_id_ilike?: string;
  order_id_like?: string;
  order_id_gte?: string;
  order_id_lte?: string;
  order_id_eq?: string;
  order_id_ne?: string;
  order_id_gt?: string;
  order_id_lt?: string;
  /** comma list */
  order_id_in?: Array<string>;
  status_eq?: ReturnStatus;
  status_ne?: ReturnStatus;
  /** comma list */
  status_in?: Array<ReturnStatus>;
  /** low,high */
  reason_between?: Array<string>;
  reason_ilike?: string;
  reason_like?: string;
  reason_gte?: string;
  reason_lte?: string;
  reason_eq?: string;
  reason_ne?: string;
  reason_gt?: string;
  reason_lt?: string;
  /** comma list */
  reason_in?: Array<string>;
  restock_eq?: boolean;
  restock_ne?: boolean;
  /** low,high */
  refund_amount_between?: Array<number>;
  refund_amount_gte?: number;
  refund_amount_lte?: number;
  refund_amount_eq?: number;
  refund_amount_ne?: number;
  refund_amount_gt?: number;
  refund_amount_lt?: number;
  /** comma list */
  refund_amount_in?: Array<number>;
  /** low,high */
  currency_between?: Array<string>;
  currency_ilike?: string;
  currency_like?: string;
  currency_gte?: string;
  currency_lte?: string;
  currency_eq?: string;
  currency_ne?: string;
  currency_gt?: string;
  currency_lt?: string;
  /** comma list */
  currency_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  updated_between?: Array<string>;
  updated_gte?: string;
  updated_lte?: string;
  updated_eq?: string;
  updated_ne?: string;
  updated_gt?: string;
  updated_lt?: string;
  /** comma list */
  updated_in?: Array<string>;
}

/** Body fields of POST /v1/returns (Create a return). */
export interface ReturnCreateParams {
  order_id: string;
  items: Array<ReturnItemInput>;
  reason?: string | null;
  /** Put the units back on the shelf when received. */
  restock?: boolean | null;
  metadata?: any;
}

/** Body fields of POST /v1/returns/{id}/process (Process). */
export interface ReturnProcessParams {
  /** Minor units to refund; defaults to the returned items' value. */
  refund_amount?: number | null;
}

/** Body fields of POST /v1/returns/{id}/reject (Reject). */
export interface ReturnRejectParams {
  reason?: string | null;
}

/** Query filters of GET /v1/subscriptions (List customerSubscriptions). */
export interface SubscriptionListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /**
   * Comma list, `-` for descending; of: id, customer_id, status, plan, amount, currency, interval,
   * current_period_end, cancelled_at, created, updated
   */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  customer_id_between?: Array<string>;
  customer_id_ilike?: string;
  customer_id_like?: string;
  customer_id_gte?: string;
  customer_id_lte?: string;
  customer_id_eq?: string;
  customer_id_ne?: string;
  customer_id_gt?: string;
  customer_id_lt?: string;
  /** comma list */
  customer_id_in?: Array<string>;
  status_eq?: CustomerSubscriptionStatus;
  status_ne?: CustomerSubscriptionStatus;
  /** comma list */
  status_in?: Array<CustomerSubscriptionStatus>;
  /** low,high */
  plan_between?: Array<string>;
  plan_ilike?: string;
  plan_like?: string;
  plan_gte?: string;
  plan_lte?: string;
  plan_eq?: string;
  plan_ne?: string;
  plan_gt?: string;
  plan_lt?: string;
  /** comma list */
  plan_in?: Array<string>;
  /** low,high */
  amount_between?: Array<number>;
  amount_gte?: number;
  amount_lte?: number;
  amount_eq?: number;
  amount_ne?: number;
  amount_gt?: number;
  amount_lt?: number;
  /** comma list */
  amount_in?: Array<number>;
  /** low,high */
  currency_between?: Array<string>;
  currency_ilike?: string;
  currency_like?: string;
  currency_gte?: string;
  currency_lte?: string;
  currency_eq?: string;
  currency_ne?: string;
  currency_gt?: string;
  currency_lt?: string;
  /** comma list */
  currency_in?: Array<string>;
  interval_eq?: CustomerSubscriptionInterval;
  interval_ne?: CustomerSubscriptionInterval;
  /** comma list */
  interval_in?: Array<CustomerSubscriptionInterval>;
  /** low,high */
  current_period_end_between?: Array<string>;
  current_period_end_gte?: string;
  current_period_end_lte?: string;
  current_period_end_eq?: string;
  current_period_end_ne?: string;
  current_period_end_gt?: string;
  current_period_end_lt?: string;
  /** comma list */
  current_period_end_in?: Array<string>;
  /** low,high */
  cancelled_at_between?: Array<string>;
  cancelled_at_gte?: string;
  cancelled_at_lte?: string;
  cancelled_at_eq?: string;
  cancelled_at_ne?: string;
  cancelled_at_gt?: string;
  cancelled_at_lt?: string;
  /** comma list */
  cancelled_at_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  updated_between?: Array<string>;
  updated_gte?: string;
  updated_lte?: string;
  updated_eq?: string;
  updated_ne?: string;
  updated_gt?: string;
  updated_lt?: string;
  /** comma list */
  updated_in?: Array<string>;
}

/** Body fields of POST /v1/subscriptions (Create a customerSubscription). */
export interface SubscriptionCreateParams {
  customer_id: string;
  plan: string;
  /** Minor units billed each interval. */
  amount: number;
  currency: string;
  interval: CustomerSubscriptionInterval;
  metadata?: any;
}

/** Query filters of GET /v1/events (List events). */
export interface EventListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** One type (`order.shipped`), a family (`order.*`) or `*`. */
  type?: string;
  /** Comma list, `-` for descending; of: id, type, created, sequence */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  type_between?: Array<string>;
  type_ilike?: string;
  type_like?: string;
  type_gte?: string;
  type_lte?: string;
  type_eq?: string;
  type_ne?: string;
  type_gt?: string;
  type_lt?: string;
  /** comma list */
  type_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  sequence_between?: Array<number>;
  sequence_gte?: number;
  sequence_lte?: number;
  sequence_eq?: number;
  sequence_ne?: number;
  sequence_gt?: number;
  sequence_lt?: number;
  /** comma list */
  sequence_in?: Array<number>;
  /** low,high */
  object_id_between?: Array<string>;
  object_id_ilike?: string;
  object_id_like?: string;
  object_id_gte?: string;
  object_id_lte?: string;
  object_id_eq?: string;
  object_id_ne?: string;
  object_id_gt?: string;
  object_id_lt?: string;
  /** comma list */
  object_id_in?: Array<string>;
}

/** Query filters of GET /v1/request_logs (List requestLogs). */
export interface RequestLogListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** Comma list, `-` for descending; of: id, status, created */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  status_between?: Array<number>;
  status_gte?: number;
  status_lte?: number;
  status_eq?: number;
  status_ne?: number;
  status_gt?: number;
  status_lt?: number;
  /** comma list */
  status_in?: Array<number>;
  /** low,high */
  path_between?: Array<string>;
  path_ilike?: string;
  path_like?: string;
  path_gte?: string;
  path_lte?: string;
  path_eq?: string;
  path_ne?: string;
  path_gt?: string;
  path_lt?: string;
  /** comma list */
  path_in?: Array<string>;
  /** low,high */
  method_between?: Array<string>;
  method_ilike?: string;
  method_like?: string;
  method_gte?: string;
  method_lte?: string;
  method_eq?: string;
  method_ne?: string;
  method_gt?: string;
  method_lt?: string;
  /** comma list */
  method_in?: Array<string>;
  /** low,high */
  api_key_id_between?: Array<string>;
  api_key_id_ilike?: string;
  api_key_id_like?: string;
  api_key_id_gte?: string;
  api_key_id_lte?: string;
  api_key_id_eq?: string;
  api_key_id_ne?: string;
  api_key_id_gt?: string;
  api_key_id_lt?: string;
  /** comma list */
  api_key_id_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
}

/** Query filters of GET /v1/webhook_endpoints (List webhookEndpoints). */
export interface WebhookEndpointListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** Comma list, `-` for descending; of: id, url, created, updated */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  url_between?: Array<string>;
  url_ilike?: string;
  url_like?: string;
  url_gte?: string;
  url_lte?: string;
  url_eq?: string;
  url_ne?: string;
  url_gt?: string;
  url_lt?: string;
  /** comma list */
  url_in?: Array<string>;
  status_eq?: WebhookEndpointStatus;
  status_ne?: WebhookEndpointStatus;
  /** comma list */
  status_in?: Array<WebhookEndpointStatus>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
  /** low,high */
  updated_between?: Array<string>;
  updated_gte?: string;
  updated_lte?: string;
  updated_eq?: string;
  updated_ne?: string;
  updated_gt?: string;
  updated_lt?: string;
  /** comma list */
  updated_in?: Array<string>;
}

/** Body fields of POST /v1/webhook_endpoints (Create a webhookEndpoint). */
export interface WebhookEndpointCreateParams {
  url: string;
  /** Event types (`order.shipped`), families (`order.*`) or `*` for all. */
  enabled_events: Array<string>;
  description?: string | null;
  metadata?: any;
}

/** Body fields of PATCH /v1/webhook_endpoints/{id} (Update a webhookEndpoint). */
export interface WebhookEndpointUpdateParams {
  url?: string | null;
  /** Event types (`order.shipped`), families (`order.*`) or `*` for all. */
  enabled_events?: Array<string> | null;
  description?: string | null;
  /** `DISABLED` stops deliveries until `ENABLED`. */
  status?: WebhookEndpointStatus | null;
  metadata?: any;
}

/** Body fields of POST /v1/webhook_endpoints/{id}/rotate_secret (Rotate the signing secret). */
export interface WebhookEndpointRotateSecretParams {
  /**
   * Seconds the previous secret keeps signing beside the new one (at most 86400; 0 ends it now).
   */
  expire_previous_in?: number;
}

/** Body fields of POST /v1/webhook_endpoints/{id}/test (Send a test.webhook event). */
export interface WebhookEndpointTestParams {
  /** `test.webhook` or an event type, e.g. `order.paid`; the event is not in the event log. */
  type?: string;
}

/** Query filters of GET /v1/webhook_endpoints/{id}/deliveries (List an endpoint's deliveries). */
export interface WebhookEndpointDeliveriesParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  endpoint_id?: string;
  /** Comma list, `-` for descending; of: id, event_type, created */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  /** low,high */
  event_id_between?: Array<string>;
  event_id_ilike?: string;
  event_id_like?: string;
  event_id_gte?: string;
  event_id_lte?: string;
  event_id_eq?: string;
  event_id_ne?: string;
  event_id_gt?: string;
  event_id_lt?: string;
  /** comma list */
  event_id_in?: Array<string>;
  /** low,high */
  event_type_between?: Array<string>;
  event_type_ilike?: string;
  event_type_like?: string;
  event_type_gte?: string;
  event_type_lte?: string;
  event_type_eq?: string;
  event_type_ne?: string;
  event_type_gt?: string;
  event_type_lt?: string;
  /** comma list */
  event_type_in?: Array<string>;
  status_eq?: WebhookDeliveryStatus;
  status_ne?: WebhookDeliveryStatus;
  /** comma list */
  status_in?: Array<WebhookDeliveryStatus>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
}

/** Query filters of GET /v1/jobs (List jobs). */
export interface JobListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** Comma list, `-` for descending; of: id, created */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  type_eq?: JobType;
  type_ne?: JobType;
  /** comma list */
  type_in?: Array<JobType>;
  status_eq?: JobStatus;
  status_ne?: JobStatus;
  /** comma list */
  status_in?: Array<JobStatus>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
}

/** Body fields of POST /v1/jobs (Create a job). */
export interface JobCreateParams {
  type: JobType;
  /** A bulk mutation's document: one mutation with exactly one root field. */
  mutation?: string | null;
  /** A bulk query's document: one query whose one root field is a list. */
  query?: string | null;
  /** A `bulk_input` file (`POST /v1/files`): JSONL, one object of variables a line. */
  variables_file?: string | null;
  /** Lines of variables, one object a run (at most 1,000; more as `variablesFile`). */
  variables?: Array<any> | null;
  /** Run every line (continue, the default) or end the job at the first failed line (stop). */
  error_policy?: JobErrorPolicy | null;
}

/** Query filters of GET /v1/api_keys (List API keys). */
export interface ApiKeyListParams {
  limit?: number;
  /** `next_cursor` of the previous page; not with `offset` */
  cursor?: string;
  offset?: number;
  /**
   * Deprecated: offset = (page-1) * limit
   * @deprecated
   */
  page?: number;
  include_total?: boolean;
  /** Comma list, `-` for descending; of: id, created */
  sort?: string;
  /** low,high */
  id_between?: Array<string>;
  id_ilike?: string;
  id_like?: string;
  id_gte?: string;
  id_lte?: string;
  id_eq?: string;
  id_ne?: string;
  id_gt?: string;
  id_lt?: string;
  /** comma list */
  id_in?: Array<string>;
  type_eq?: ApiKeyType;
  type_ne?: ApiKeyType;
  /** comma list */
  type_in?: Array<ApiKeyType>;
  /** low,high */
  name_between?: Array<string>;
  name_ilike?: string;
  name_like?: string;
  name_gte?: string;
  name_lte?: string;
  name_eq?: string;
  name_ne?: string;
  name_gt?: string;
  name_lt?: string;
  /** comma list */
  name_in?: Array<string>;
  /** low,high */
  created_between?: Array<string>;
  created_gte?: string;
  created_lte?: string;
  created_eq?: string;
  created_ne?: string;
  created_gt?: string;
  created_lt?: string;
  /** comma list */
  created_in?: Array<string>;
}

/** Body fields of POST /v1/api_keys (Create an API key). */
export interface ApiKeyCreateParams {
  type: ApiKeyType;
  name?: string | null;
  /** For restricted keys: e.g. `orders:read`, `customers:write`. */
  scopes?: Array<string> | null;
}
