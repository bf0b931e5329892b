// Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

import type { RequestOptions, Response } from './core.js';
import type { PagePromise } from './page.js';
import type * as types from './types.js';

/** `stateset.account`: /v1/account. */
export declare class AccountResource {
  private constructor();

  /** The calling key's account: GET /v1/account. */
  retrieve(options?: RequestOptions): Promise<Response<types.Account>>;
}

/** `stateset.customers`: /v1/customers. */
export declare class CustomersResource {
  private constructor();

  /** List customers: GET /v1/customers. */
  list(params?: types.CustomerListParams, options?: RequestOptions): PagePromise<types.Customer>;

  /** Retrieve one customer: GET /v1/customers/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.Customer>>;

  /** Create a customer: POST /v1/customers. */
  create(
    params: types.CustomerCreateParams,
    options?: RequestOptions,
  ): Promise<Response<types.Customer>>;

  /** Update a customer: PATCH /v1/customers/{id}. */
  update(
    id: string,
    params?: types.CustomerUpdateParams,
    options?: RequestOptions,
  ): Promise<Response<types.Customer>>;

  /** Delete a customer: DELETE /v1/customers/{id}. */
  delete(id: string, options?: RequestOptions): Promise<Response<types.DeletedObject>>;
}

/** `stateset.orders`: /v1/orders. */
export declare class OrdersResource {
  private constructor();

  /** List orders: GET /v1/orders. */
  list(params?: types.OrderListParams, options?: RequestOptions): PagePromise<types.Order>;

  /** Retrieve one order: GET /v1/orders/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.Order>>;

  /** Create a order: POST /v1/orders. */
  create(params: types.OrderCreateParams, options?: RequestOptions): Promise<Response<types.Order>>;

  /** Update a order: PATCH /v1/orders/{id}. */
  update(
    id: string,
    params?: types.OrderUpdateParams,
    options?: RequestOptions,
  ): Promise<Response<types.Order>>;

  /** Pay: POST /v1/orders/{id}/pay. */
  pay(
    id: string,
    params?: types.OrderPayParams,
    options?: RequestOptions,
  ): Promise<Response<types.Order>>;

  /** Process: POST /v1/orders/{id}/process. */
  process(id: string, options?: RequestOptions): Promise<Response<types.Order>>;

  /** Ship: POST /v1/orders/{id}/ship. */
  ship(
    id: string,
    params: types.OrderShipParams,
    options?: RequestOptions,
  ): Promise<Response<types.Order>>;

  /** Deliver: POST /v1/orders/{id}/deliver. */
  deliver(id: string, options?: RequestOptions): Promise<Response<types.Order>>;

  /** Cancel: POST /v1/orders/{id}/cancel. */
  cancel(
    id: string,
    params?: types.OrderCancelParams,
    options?: RequestOptions,
  ): Promise<Response<types.Order>>;

  /** Refund: POST /v1/orders/{id}/refund. */
  refund(
    id: string,
    params?: types.OrderRefundParams,
    options?: RequestOptions,
  ): Promise<Response<types.Order>>;
}

/** `stateset.inventory`: /v1/inventory. */
export declare class InventoryResource {
  private constructor();

  /** Transfer stock: POST /v1/inventory/transfers. */
  transfer(
    params: types.InventoryTransferParams,
    options?: RequestOptions,
  ): Promise<Response<types.InventoryItem>>;

  /** List inventoryItems: GET /v1/inventory. */
  list(
    params?: types.InventoryListParams,
    options?: RequestOptions,
  ): PagePromise<types.InventoryItem>;

  /** Retrieve one inventoryItem: GET /v1/inventory/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.InventoryItem>>;

  /** Create a inventoryItem: POST /v1/inventory. */
  create(
    params: types.InventoryCreateParams,
    options?: RequestOptions,
  ): Promise<Response<types.InventoryItem>>;

  /** Update a inventoryItem: PATCH /v1/inventory/{id}. */
  update(
    id: string,
    params?: types.InventoryUpdateParams,
    options?: RequestOptions,
  ): Promise<Response<types.InventoryItem>>;

  /** Adjust: POST /v1/inventory/{id}/adjust. */
  adjust(
    id: string,
    params: types.InventoryAdjustParams,
    options?: RequestOptions,
  ): Promise<Response<types.InventoryItem>>;
}

/** `stateset.returns`: /v1/returns. */
export declare class ReturnsResource {
  private constructor();

  /** List returns: GET /v1/returns. */
  list(params?: types.ReturnListParams, options?: RequestOptions): PagePromise<types.Return>;

  /** Retrieve one return: GET /v1/returns/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.Return>>;

  /** Create a return: POST /v1/returns. */
  create(
    params: types.ReturnCreateParams,
    options?: RequestOptions,
  ): Promise<Response<types.Return>>;

  /** Approve: POST /v1/returns/{id}/approve. */
  approve(id: string, options?: RequestOptions): Promise<Response<types.Return>>;

  /** Receive: POST /v1/returns/{id}/receive. */
  receive(id: string, options?: RequestOptions): Promise<Response<types.Return>>;

  /** Process: POST /v1/returns/{id}/process. */
  process(
    id: string,
    params?: types.ReturnProcessParams,
    options?: RequestOptions,
  ): Promise<Response<types.Return>>;

  /** Reject: POST /v1/returns/{id}/reject. */
  reject(
    id: string,
    params?: types.ReturnRejectParams,
    options?: RequestOptions,
  ): Promise<Response<types.Return>>;
}

/** `stateset.subscriptions`: /v1/subscriptions. */
export declare class SubscriptionsResource {
  private constructor();

  /** List customerSubscriptions: GET /v1/subscriptions. */
  list(
    params?: types.SubscriptionListParams,
    options?: RequestOptions,
  ): PagePromise<types.CustomerSubscription>;

  /** Retrieve one customerSubscription: GET /v1/subscriptions/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.CustomerSubscription>>;

  /** Create a customerSubscription: POST /v1/subscriptions. */
  create(
    params: types.SubscriptionCreateParams,
    options?: RequestOptions,
  ): Promise<Response<types.CustomerSubscription>>;

  /** Cancel: POST /v1/subscriptions/{id}/cancel. */
  cancel(id: string, options?: RequestOptions): Promise<Response<types.CustomerSubscription>>;
}

/** `stateset.events`: /v1/events. */
export declare class EventsResource {
  private constructor();

  /** List events: GET /v1/events. */
  list(params?: types.EventListParams, options?: RequestOptions): PagePromise<types.Event>;

  /** Retrieve one event: GET /v1/events/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.Event>>;
}

/** `stateset.requestLogs`: /v1/request_logs. */
export declare class RequestLogsResource {
  private constructor();

  /** List requestLogs: GET /v1/request_logs. */
  list(
    params?: types.RequestLogListParams,
    options?: RequestOptions,
  ): PagePromise<types.RequestLog>;

  /** Retrieve one requestLog: GET /v1/request_logs/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.RequestLog>>;
}

/** `stateset.webhookEndpoints`: /v1/webhook_endpoints. */
export declare class WebhookEndpointsResource {
  private constructor();

  /** List webhookEndpoints: GET /v1/webhook_endpoints. */
  list(
    params?: types.WebhookEndpointListParams,
    options?: RequestOptions,
  ): PagePromise<types.WebhookEndpoint>;

  /** Retrieve one webhookEndpoint: GET /v1/webhook_endpoints/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.WebhookEndpoint>>;

  /** Create a webhookEndpoint: POST /v1/webhook_endpoints. */
  create(
    params: types.WebhookEndpointCreateParams,
    options?: RequestOptions,
  ): Promise<Response<types.WebhookEndpoint>>;

  /** Update a webhookEndpoint: PATCH /v1/webhook_endpoints/{id}. */
  update(
    id: string,
    params?: types.WebhookEndpointUpdateParams,
    options?: RequestOptions,
  ): Promise<Response<types.WebhookEndpoint>>;

  /** Delete a webhookEndpoint: DELETE /v1/webhook_endpoints/{id}. */
  delete(id: string, options?: RequestOptions): Promise<Response<types.DeletedObject>>;

  /** Rotate the signing secret: POST /v1/webhook_endpoints/{id}/rotate_secret. */
  rotateSecret(
    id: string,
    params?: types.WebhookEndpointRotateSecretParams,
    options?: RequestOptions,
  ): Promise<Response<types.WebhookEndpoint>>;

  /** Send a test.webhook event: POST /v1/webhook_endpoints/{id}/test. */
  test(
    id: string,
    params?: types.WebhookEndpointTestParams,
    options?: RequestOptions,
  ): Promise<Response<types.WebhookDelivery>>;

  /** List an endpoint's deliveries: GET /v1/webhook_endpoints/{id}/deliveries. */
  deliveries(
    id: string,
    params?: types.WebhookEndpointDeliveriesParams,
    options?: RequestOptions,
  ): PagePromise<types.WebhookDelivery>;
}

/** `stateset.webhookDeliveries`: /v1/webhook_deliveries. */
export declare class WebhookDeliveriesResource {
  private constructor();

  /** Retrieve one webhook delivery: GET /v1/webhook_deliveries/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.WebhookDelivery>>;

  /** Attempt a delivery once more, now: POST /v1/webhook_deliveries/{id}/redeliver. */
  redeliver(id: string, options?: RequestOptions): Promise<Response<types.WebhookDelivery>>;
}

/** `stateset.jobs`: /v1/jobs. */
export declare class JobsResource {
  private constructor();

  /** List jobs: GET /v1/jobs. */
  list(params?: types.JobListParams, options?: RequestOptions): PagePromise<types.Job>;

  /** Retrieve one job: GET /v1/jobs/{id}. */
  retrieve(id: string, options?: RequestOptions): Promise<Response<types.Job>>;

  /** Create a job: POST /v1/jobs. */
  create(params: types.JobCreateParams, options?: RequestOptions): Promise<Response<types.Job>>;

  /** Cancel: POST /v1/jobs/{id}/cancel. */
  cancel(id: string, options?: RequestOptions): Promise<Response<types.Job>>;
}

/** `stateset.apiKeys`: /v1/api_keys. */
export declare class ApiKeysResource {
  private constructor();

  /** List API keys: GET /v1/api_keys. */
  list(params?: types.ApiKeyListParams, options?: RequestOptions): PagePromise<types.ApiKey>;

  /** Create an API key: POST /v1/api_keys. */
  create(
    params: types.ApiKeyCreateParams,
    options?: RequestOptions,
  ): Promise<Response<types.ApiKey>>;

  /** Revoke an API key: DELETE /v1/api_keys/{id}. */
  delete(id: string, options?: RequestOptions): Promise<Response<types.DeletedObject>>;
}

/** Every resource, as properties of the client. */
export declare class Resources {
  /** /v1/account */
  readonly account: AccountResource;
  /** /v1/customers */
  readonly customers: CustomersResource;
  /** /v1/orders */
  readonly orders: OrdersResource;
  /** /v1/inventory */
  readonly inventory: InventoryResource;
  /** /v1/returns */
  readonly returns: ReturnsResource;
  /** /v1/subscriptions */
  readonly subscriptions: SubscriptionsResource;
  /** /v1/events */
  readonly events: EventsResource;
  /** /v1/request_logs */
  readonly requestLogs: RequestLogsResource;
  /** /v1/webhook_endpoints */
  readonly webhookEndpoints: WebhookEndpointsResource;
  /** /v1/webhook_deliveries */
  readonly webhookDeliveries: WebhookDeliveriesResource;
  /** /v1/jobs */
  readonly jobs: JobsResource;
  /** /v1/api_keys */
  readonly apiKeys: ApiKeysResource;
}
