"""The merchant flow: stock an item, sign up a customer, take an order and pay for it,
ship it, deliver it and refund part of it. Run with STATESET_API_KEY (and
STATESET_BASE_URL, when the server is not http://127.0.0.1:8000) set."""

import uuid

import stateset

card: stateset.types.CardInput = {
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2040,
    "cvc": "123",
}

# The API key and the server's root come from STATESET_API_KEY and STATESET_BASE_URL.
with stateset.Client() as client:
    sku = f"WIDGET-{uuid.uuid4().hex[:8]}"
    item = client.inventory.create(sku=sku, name="Widget", on_hand=10)
    print(f"stocked {item.on_hand} x {item.sku}")

    customer = client.customers.create(email=f"ada-{uuid.uuid4().hex[:8]}@example.com", name="Ada")
    print(f"customer {customer.id} <{customer.email}>")

    order = client.orders.create(
        currency="usd",
        customer_id=customer.id,
        line_items=[{"sku": sku, "name": "Widget", "quantity": 2, "unit_amount": 1250}],
    )
    print(f"order {order.id}: {order.status}, {order.amount} {order.currency}")

    order = client.orders.pay(order.id, card=card)
    print(f"paid {order.amount_paid}: {order.status}")
    order = client.orders.process(order.id)
    order = client.orders.ship(order.id, carrier="UPS", tracking_number="1Z999AA10123456784")
    print(f"shipped with {order.carrier} {order.tracking_number}: {order.status}")
    order = client.orders.deliver(order.id)
    print(f"delivered: {order.status}")

    order = client.orders.refund(order.id, amount=500, reason="arrived late")
    print(f"refunded {order.amount_refunded} of {order.amount_paid}")
    if order.last_response is not None:
        print(f"request id {order.last_response.request_id}")

    try:
        client.orders.ship(order.id, carrier="UPS", tracking_number="again")
    except stateset.ConflictError as error:
        print(f"shipping it again is refused: {error.message}")
