# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A Payment as REST answers it.
  class Payment < StatesetObject
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
    # @!attribute [r] amount
    #   @return [Integer]
    field :amount
    # @!attribute [r] currency
    #   @return [String]
    field :currency
    # @!attribute [r] status
    #   @return [String] one of Stateset::PaymentStatus::VALUES
    field :status
    # @!attribute [r] method
    #   @return [String] one of Stateset::PaymentMethod::VALUES
    field :method
    # @!attribute [r] card
    #   @return [Stateset::PaymentCard, nil]
    field :card, of: PaymentCard
    # @!attribute [r] decline_code
    #   @return [String, nil]
    field :decline_code
    # @!attribute [r] failure_message
    #   @return [String, nil]
    field :failure_message
    # @!attribute [r] external_reference
    #   @return [String, nil]
    field :external_reference
  end
end
