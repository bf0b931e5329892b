# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A Return as REST answers it.
  class Return < StatesetObject
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
    # @!attribute [r] order_id
    #   @return [String]
    field :order_id
    # @!attribute [r] status
    #   @return [String] one of Stateset::ReturnStatus::VALUES
    field :status
    # @!attribute [r] reason
    #   @return [String, nil]
    field :reason
    # @!attribute [r] rejection_reason
    #   @return [String, nil]
    field :rejection_reason
    # @!attribute [r] restock
    #   @return [Boolean]
    field :restock
    # @!attribute [r] refund_amount
    #   @return [Integer, nil]
    field :refund_amount
    # @!attribute [r] refund_id
    #   @return [String, nil]
    field :refund_id
    # @!attribute [r] currency
    #   @return [String]
    field :currency
    # @!attribute [r] approved_at
    #   @return [String, nil] ISO 8601
    field :approved_at
    # @!attribute [r] received_at
    #   @return [String, nil] ISO 8601
    field :received_at
    # @!attribute [r] processed_at
    #   @return [String, nil] ISO 8601
    field :processed_at
    # @!attribute [r] rejected_at
    #   @return [String, nil] ISO 8601
    field :rejected_at
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
    # @!attribute [r] items
    #   @return [Array<Stateset::ReturnItem>]
    #   The SKUs and quantities this return claims.
    field :items, of: ReturnItem
  end
end
