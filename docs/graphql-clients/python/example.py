"""The typed client ariadne-codegen writes from ../../../schema.graphql and queries.graphql,
against a running server: stock a product, create a customer and an order for it, pay
(a declined card first, then a good one), and list the customer's paid orders.

    ariadne-codegen          # writes stateset_graphql/ (see README.md)
    STATESET_API_KEY=sk_test_... STATESET_BASE_URL=http://127.0.0.1:8000 python example.py
"""

from __future__ import annotations

import os
import uuid

from stateset_graphql import (
    CardInput,
    CreateCustomerInput,
    CreateInventoryItemInput,
    CreateOrderInput,
    GraphQLClientGraphQLMultiError,
    LineItemInput,
    OrderStatus,
    StateSetGraphQL,
)

GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


def card(number: str) -> CardInput:
    return CardInput(number=number, exp_month=12, exp_year=2040, cvc="123")


def main() -> None:
    api_key = os.environ["STATESET_API_KEY"]
    base_url = os.environ.get("STATESET_BASE_URL", "http://127.0.0.1:8000")
    run = uuid.uuid4().hex[:8]  # SKUs and emails of their own on every run
    sku = f"MUG-{run}"

    with StateSetGraphQL(
        url=f"{base_url}/graphql", headers={"Authorization": f"Bearer {api_key}"}
    ) as client:
        item = client.stock_item(
            CreateInventoryItemInput(sku=sku, name="Mug", on_hand=10)
        ).create_inventory_item
        print(f"stocked {item.sku}: {item.available} available")

        customer = client.create_customer(
            CreateCustomerInput(email=f"ada+{run}@example.com", name="Ada Lovelace")
        ).create_customer
        print(f"customer {customer.id} {customer.email}")

        order = client.create_order(
            CreateOrderInput(
                currency="usd",
                customer_id=customer.id,
                line_items=[LineItemInput(sku=sku, name="Mug", quantity=2, unit_amount=1500)],
            )
        ).create_order
        print(f"order {order.id} {order.status.value} {order.amount} {order.currency}")

        # An error arrives as GraphQL errors; `extensions` carries the API's error body.
        try:
            client.pay_order(order.id, card(DECLINED_CARD))
        except GraphQLClientGraphQLMultiError as failed:
            body = failed.errors[0].extensions or {}
            print(f"declined {body['type']} {body['code']} decline_code={body['decline_code']}")

        # A mutation retried with the same Idempotency-Key runs once (extra keyword
        # arguments reach httpx).
        paid = client.pay_order(
            order.id, card(GOOD_CARD), headers={"Idempotency-Key": f"pay-{order.id}"}
        ).pay_order
        attempts = ", ".join(f"{p.id} {p.status.value}" for p in paid.payments)
        print(f"paid {paid.id} {paid.status.value} {paid.amount_paid} ({attempts})")

        listed = client.customer_orders(customer.id, [OrderStatus.PAID], first=10).orders
        ids = " ".join(node.id for node in listed.nodes)
        print(f"listed paid orders of {customer.id}: {listed.total_count} [{ids}]")


if __name__ == "__main__":
    main()
