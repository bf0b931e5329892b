// The merchant flow: stock an item, add a customer, take an order, pay it with a test
// card, process, ship and deliver it, then refund part of it.
//
//	STATESET_API_KEY=sk_test_... STATESET_BASE_URL=http://127.0.0.1:8000 go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/stateset/stateset-go"
)

func main() {
	ctx := context.Background()
	client := stateset.NewClient(
		os.Getenv("STATESET_API_KEY"),
		stateset.WithBaseURL(os.Getenv("STATESET_BASE_URL")),
	)
	sku := fmt.Sprintf("WIDGET-%d", time.Now().UnixNano())

	item, err := client.Inventory.Create(ctx, &stateset.InventoryCreateParams{
		SKU:    stateset.String(sku),
		Name:   stateset.String("Widget"),
		OnHand: stateset.Int(10),
	})
	check(err)
	fmt.Printf("stocked %d of %s at %s\n", item.OnHand, item.SKU, item.Location)

	customer, err := client.Customers.Create(ctx, &stateset.CustomerCreateParams{
		Email: stateset.String(fmt.Sprintf("ada+%d@example.com", time.Now().UnixNano())),
		Name:  stateset.String("Ada Lovelace"),
	})
	check(err)
	fmt.Printf("customer %s <%s>\n", customer.ID, customer.Email)

	order, err := client.Orders.Create(ctx, &stateset.OrderCreateParams{
		Currency:   stateset.String("usd"),
		CustomerID: stateset.String(customer.ID),
		LineItems: []*stateset.LineItemParams{{
			SKU:        stateset.String(sku),
			Name:       stateset.String("Widget"),
			Quantity:   stateset.Int(2),
			UnitAmount: stateset.Int(1250),
		}},
	})
	check(err)
	fmt.Printf("order %s: %s, %d %s\n", order.ID, order.Status, order.Amount, order.Currency)

	order, err = client.Orders.Pay(ctx, order.ID, &stateset.OrderPayParams{
		Card: &stateset.CardParams{
			Number:   stateset.String("4242424242424242"),
			ExpMonth: stateset.Int(12),
			ExpYear:  stateset.Int(2040),
			CVC:      stateset.String("123"),
		},
	})
	check(err)
	fmt.Printf("paid %d (request %s)\n", order.AmountPaid, order.LastResponse.RequestID)

	order, err = client.Orders.Process(ctx, order.ID, nil)
	check(err)
	order, err = client.Orders.Ship(ctx, order.ID, &stateset.OrderShipParams{
		Carrier:        stateset.String("UPS"),
		TrackingNumber: stateset.String("1Z999AA10123456784"),
	})
	check(err)
	fmt.Printf("shipped with %s, tracking %s\n", order.Carrier, order.TrackingNumber)

	order, err = client.Orders.Deliver(ctx, order.ID, nil)
	check(err)
	order, err = client.Orders.Refund(ctx, order.ID, &stateset.OrderRefundParams{
		Amount: stateset.Int(500),
		Reason: stateset.String("arrived late"),
	})
	check(err)
	fmt.Printf("order %s: %s, refunded %d of %d\n", order.ID, order.Status, order.AmountRefunded, order.AmountPaid)
}

func check(err error) {
	var apiErr *stateset.Error
	if errors.As(err, &apiErr) {
		log.Fatalf("%s %s: %s (request %s)", apiErr.Type, apiErr.Code, apiErr.Message, apiErr.RequestID)
	}
	if err != nil {
		log.Fatal(err)
	}
}
