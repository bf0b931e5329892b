# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A Refund as REST answers it.
  class Refund < StatesetObject
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
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
    # @!attribute [r] order_id
    #   @return [String]
    field :order_id
    # @!attribute [r] payment_id
    #   @return [String, nil]
    field :payment_id
    # @!attribute [r] amount
    #   @return [Integer]
    field :amount
    # @!attribute [r] currency
    #   @return [String]
    field :currency
    # @!attribute [r] reason
    #   @return [String, nil]
    field :reason
    # @!attribute [r] status
    #   @return [String] one of Stateset::RefundStatus::VALUES
    field :status
  end
end
