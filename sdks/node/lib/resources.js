// Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

/** `stateset.account`: /v1/account. */
export class AccountResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** The calling key's account: GET /v1/account. */
  retrieve(options) {
    return this.#client._request('GET', '/v1/account', { options });
  }
}

/** `stateset.customers`: /v1/customers. */
export class CustomersResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List customers: GET /v1/customers. */
  list(params, options) {
    return this.#client._list('GET', '/v1/customers', { query: params, options });
  }

  /** Retrieve one customer: GET /v1/customers/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/customers/{id}', { path: { id }, options });
  }

  /** Create a customer: POST /v1/customers. */
  create(params, options) {
    return this.#client._request('POST', '/v1/customers', { body: params, options });
  }

  /** Update a customer: PATCH /v1/customers/{id}. */
  update(id, params, options) {
    return this.#client._request('PATCH', '/v1/customers/{id}', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Delete a customer: DELETE /v1/customers/{id}. */
  delete(id, options) {
    return this.#client._request('DELETE', '/v1/customers/{id}', { path: { id }, options });
  }
}

/** `stateset.orders`: /v1/orders. */
export class OrdersResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List orders: GET /v1/orders. */
  list(params, options) {
    return this.#client._list('GET', '/v1/orders', { query: params, options });
  }

  /** Retrieve one order: GET /v1/orders/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/orders/{id}', { path: { id }, options });
  }

  /** Create a order: POST /v1/orders. */
  create(params, options) {
    return this.#client._request('POST', '/v1/orders', { body: params, options });
  }

  /** Update a order: PATCH /v1/orders/{id}. */
  update(id, params, options) {
    return this.#client._request('PATCH', '/v1/orders/{id}', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Pay: POST /v1/orders/{id}/pay. */
  pay(id, params, options) {
    return this.#client._request('POST', '/v1/orders/{id}/pay', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Process: POST /v1/orders/{id}/process. */
  process(id, options) {
    return this.#client._request('POST', '/v1/orders/{id}/process', { path: { id }, options });
  }

  /** Ship: POST /v1/orders/{id}/ship. */
  ship(id, params, options) {
    return this.#client._request('POST', '/v1/orders/{id}/ship', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Deliver: POST /v1/orders/{id}/deliver. */
  deliver(id, options) {
    return this.#client._request('POST', '/v1/orders/{id}/deliver', { path: { id }, options });
  }

  /** Cancel: POST /v1/orders/{id}/cancel. */
  cancel(id, params, options) {
    return this.#client._request('POST', '/v1/orders/{id}/cancel', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Refund: POST /v1/orders/{id}/refund. */
  refund(id, params, options) {
    return this.#client._request('POST', '/v1/orders/{id}/refund', {
      path: { id },
      body: params,
      options,
    });
  }
}

/** `stateset.inventory`: /v1/inventory. */
export class InventoryResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** Transfer stock: POST /v1/inventory/transfers. */
  transfer(params, options) {
    return this.#client._request('POST', '/v1/inventory/transfers', { body: params, options });
  }

  /** List inventoryItems: GET /v1/inventory. */
  list(params, options) {
    return this.#client._list('GET', '/v1/inventory', { query: params, options });
  }

  /** Retrieve one inventoryItem: GET /v1/inventory/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/inventory/{id}', { path: { id }, options });
  }

  /** Create a inventoryItem: POST /v1/inventory. */
  create(params, options) {
    return this.#client._request('POST', '/v1/inventory', { body: params, options });
  }

  /** Update a inventoryItem: PATCH /v1/inventory/{id}. */
  update(id, params, options) {
    return this.#client._request('PATCH', '/v1/inventory/{id}', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Adjust: POST /v1/inventory/{id}/adjust. */
  adjust(id, params, options) {
    return this.#client._request('POST', '/v1/inventory/{id}/adjust', {
      path: { id },
      body: params,
      options,
    });
  }
}

/** `stateset.returns`: /v1/returns. */
export class ReturnsResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List returns: GET /v1/returns. */
  list(params, options) {
    return this.#client._list('GET', '/v1/returns', { query: params, options });
  }

  /** Retrieve one return: GET /v1/returns/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/returns/{id}', { path: { id }, options });
  }

  /** Create a return: POST /v1/returns. */
  create(params, options) {
    return this.#client._request('POST', '/v1/returns', { body: params, options });
  }

  /** Approve: POST /v1/returns/{id}/approve. */
  approve(id, options) {
    return this.#client._request('POST', '/v1/returns/{id}/approve', { path: { id }, options });
  }

  /** Receive: POST /v1/returns/{id}/receive. */
  receive(id, options) {
    return this.#client._request('POST', '/v1/returns/{id}/receive', { path: { id }, options });
  }

  /** Process: POST /v1/returns/{id}/process. */
  process(id, params, options) {
    return this.#client._request('POST', '/v1/returns/{id}/process', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Reject: POST /v1/returns/{id}/reject. */
  reject(id, params, options) {
    return this.#client._request('POST', '/v1/returns/{id}/reject', {
      path: { id },
      body: params,
      options,
    });
  }
}

/** `stateset.subscriptions`: /v1/subscriptions. */
export class SubscriptionsResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List customerSubscriptions: GET /v1/subscriptions. */
  list(params, options) {
    return this.#client._list('GET', '/v1/subscriptions', { query: params, options });
  }

  /** Retrieve one customerSubscription: GET /v1/subscriptions/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/subscriptions/{id}', { path: { id }, options });
  }

  /** Create a customerSubscription: POST /v1/subscriptions. */
  create(params, options) {
    return this.#client._request('POST', '/v1/subscriptions', { body: params, options });
  }

  /** Cancel: POST /v1/subscriptions/{id}/cancel. */
  cancel(id, options) {
    return this.#client._request('POST', '/v1/subscriptions/{id}/cancel', {
      path: { id },
      options,
    });
  }
}

/** `stateset.events`: /v1/events. */
export class EventsResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List events: GET /v1/events. */
  list(params, options) {
    return this.#client._list('GET', '/v1/events', { query: params, options });
  }

  /** Retrieve one event: GET /v1/events/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/events/{id}', { path: { id }, options });
  }
}

/** `stateset.requestLogs`: /v1/request_logs. */
export class RequestLogsResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List requestLogs: GET /v1/request_logs. */
  list(params, options) {
    return this.#client._list('GET', '/v1/request_logs', { query: params, options });
  }

  /** Retrieve one requestLog: GET /v1/request_logs/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/request_logs/{id}', { path: { id }, options });
  }
}

/** `stateset.webhookEndpoints`: /v1/webhook_endpoints. */
export class WebhookEndpointsResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List webhookEndpoints: GET /v1/webhook_endpoints. */
  list(params, options) {
    return this.#client._list('GET', '/v1/webhook_endpoints', { query: params, options });
  }

  /** Retrieve one webhookEndpoint: GET /v1/webhook_endpoints/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/webhook_endpoints/{id}', { path: { id }, options });
  }

  /** Create a webhookEndpoint: POST /v1/webhook_endpoints. */
  create(params, options) {
    return this.#client._request('POST', '/v1/webhook_endpoints', { body: params, options });
  }

  /** Update a webhookEndpoint: PATCH /v1/webhook_endpoints/{id}. */
  update(id, params, options) {
    return this.#client._request('PATCH', '/v1/webhook_endpoints/{id}', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Delete a webhookEndpoint: DELETE /v1/webhook_endpoints/{id}. */
  delete(id, options) {
    return this.#client._request('DELETE', '/v1/webhook_endpoints/{id}', { path: { id }, options });
  }

  /** Rotate the signing secret: POST /v1/webhook_endpoints/{id}/rotate_secret. */
  rotateSecret(id, params, options) {
    return this.#client._request('POST', '/v1/webhook_endpoints/{id}/rotate_secret', {
      path: { id },
      body: params,
      options,
    });
  }

  /** Send a test.webhook event: POST /v1/webhook_endpoints/{id}/test. */
  test(id, params, options) {
    return this.#client._request('POST', '/v1/webhook_endpoints/{id}/test', {
      path: { id },
      body: params,
      options,
    });
  }

  /** List an endpoint's deliveries: GET /v1/webhook_endpoints/{id}/deliveries. */
  deliveries(id, params, options) {
    return this.#client._list('GET', '/v1/webhook_endpoints/{id}/deliveries', {
      path: { id },
      query: params,
      options,
    });
  }
}

/** `stateset.webhookDeliveries`: /v1/webhook_deliveries. */
export class WebhookDeliveriesResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** Retrieve one webhook delivery: GET /v1/webhook_deliveries/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/webhook_deliveries/{id}', { path: { id }, options });
  }

  /** Attempt a delivery once more, now: POST /v1/webhook_deliveries/{id}/redeliver. */
  redeliver(id, options) {
    return this.#client._request('POST', '/v1/webhook_deliveries/{id}/redeliver', {
      path: { id },
      options,
    });
  }
}

/** `stateset.jobs`: /v1/jobs. */
export class JobsResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List jobs: GET /v1/jobs. */
  list(params, options) {
    return this.#client._list('GET', '/v1/jobs', { query: params, options });
  }

  /** Retrieve one job: GET /v1/jobs/{id}. */
  retrieve(id, options) {
    return this.#client._request('GET', '/v1/jobs/{id}', { path: { id }, options });
  }

  /** Create a job: POST /v1/jobs. */
  create(params, options) {
    return this.#client._request('POST', '/v1/jobs', { body: params, options });
  }

  /** Cancel: POST /v1/jobs/{id}/cancel. */
  cancel(id, options) {
    return this.#client._request('POST', '/v1/jobs/{id}/cancel', { path: { id }, options });
  }
}

/** `stateset.apiKeys`: /v1/api_keys. */
export class ApiKeysResource {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /** List API keys: GET /v1/api_keys. */
  list(params, options) {
    return this.#client._list('GET', '/v1/api_keys', { query: params, options });
  }

  /** Create an API key: POST /v1/api_keys. */
  create(params, options) {
    return this.#client._request('POST', '/v1/api_keys', { body: params, options });
  }

  /** Revoke an API key: DELETE /v1/api_keys/{id}. */
  delete(id, options) {
    return this.#client._request('DELETE', '/v1/api_keys/{id}', { path: { id }, options });
  }
}

/** Every resource, as properties of the client. */
export class Resources {
  constructor() {
    this.account = new AccountResource(this);
    this.customers = new CustomersResource(this);
    this.orders = new OrdersResource(this);
    this.inventory = new InventoryResource(this);
    this.returns = new ReturnsResource(this);
    this.subscriptions = new SubscriptionsResource(this);
    this.events = new EventsResource(this);
    this.requestLogs = new RequestLogsResource(this);
    this.webhookEndpoints = new WebhookEndpointsResource(this);
    this.webhookDeliveries = new WebhookDeliveriesResource(this);
    this.jobs = new JobsResource(this);
    this.apiKeys = new ApiKeysResource(this);
  }
}
