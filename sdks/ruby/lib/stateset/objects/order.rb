# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # An Order as REST answers it.
  class Order < StatesetObject
    # @!attribute [r] id
    #   @return [String]
    field :id
    # @!attribute [r] object
    #   @return [String]
    field :object
    # @!attribute [r] livemode
    #   @return [Boolean]
    field :livemode
    # @!attribute [r] created
    #   @return [String] ISO 8601
    field :created
    # @!attribute [r] updated
    #   @return [String] ISO 8601
    field :updated
    # @!attribute [r] customer_id
    #   @return [String, nil]
    field :customer_id
    # @!attribute [r] currency
    #   @return [String]
    field :currency
    # @!attribute [r] subtotal
    #   @return [Integer]
    field :subtotal
    # @!attribute [r] tax
    #   @return [Integer]
    field :tax
    # @!attribute [r] shipping_cost
    #   @return [Integer]
    field :shipping_cost
    # @!attribute [r] amount
    #   @return [Integer]
    field :amount
    # @!attribute [r] amount_paid
    #   @return [Integer]
    field :amount_paid
    # @!attribute [r] amount_refunded
    #   @return [Integer]
    field :amount_refunded
    # @!attribute [r] status
    #   @return [String] one of Stateset::OrderStatus::VALUES
    field :status
    # @!attribute [r] location
    #   @return [String]
    field :location
    # @!attribute [r] shipping_address
    #   @return [Stateset::Address, nil]
    field :shipping_address, of: Address
    # @!attribute [r] carrier
    #   @return [String, nil]
    field :carrier
    # @!attribute [r] tracking_number
    #   @return [String, nil]
    field :tracking_number
    # @!attribute [r] cancellation_reason
    #   @return [String, nil]
    field :cancellation_reason
    # @!attribute [r] paid_at
    #   @return [String, nil] ISO 8601
    field :paid_at
    # @!attribute [r] shipped_at
    #   @return [String, nil] ISO 8601
    field :shipped_at
    # @!attribute [r] delivered_at
    #   @return [String, nil] ISO 8601
    field :delivered_at
    # @!attribute [r] cancelled_at
    #   @return [String, nil] ISO 8601
    field :cancelled_at
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
    # @!attribute [r] line_items
    #   @return [Array<Stateset::LineItem>]
    field :line_items, of: LineItem
    # @!attribute [r] payments
    #   @return [Array<Stateset::Payment>]
    #   Every attempt to pay, failed ones included, oldest first.
    field :payments, of: Payment
    # @!attribute [r] refunds
    #   @return [Array<Stateset::Refund>]
    #   Refunds, oldest first.
    field :refunds, of: Refund
  end
end
