# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A CustomerSubscription as REST answers it.
  class CustomerSubscription < StatesetObject
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
    #   @return [String]
    field :customer_id
    # @!attribute [r] plan
    #   @return [String]
    field :plan
    # @!attribute [r] amount
    #   @return [Integer]
    field :amount
    # @!attribute [r] currency
    #   @return [String]
    field :currency
    # @!attribute [r] interval
    #   @return [String] one of Stateset::CustomerSubscriptionInterval::VALUES
    field :interval
    # @!attribute [r] status
    #   @return [String] one of Stateset::CustomerSubscriptionStatus::VALUES
    field :status
    # @!attribute [r] current_period_start
    #   @return [String] ISO 8601
    field :current_period_start
    # @!attribute [r] current_period_end
    #   @return [String] ISO 8601
    field :current_period_end
    # @!attribute [r] cancelled_at
    #   @return [String, nil] ISO 8601
    field :cancelled_at
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
  end
end
