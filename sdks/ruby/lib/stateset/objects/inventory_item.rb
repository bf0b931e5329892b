# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # Stock of one sku at one location.
  class InventoryItem < StatesetObject
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
    # @!attribute [r] sku
    #   @return [String]
    field :sku
    # @!attribute [r] name
    #   @return [String]
    field :name
    # @!attribute [r] location
    #   @return [String]
    field :location
    # @!attribute [r] on_hand
    #   @return [Integer]
    #   Units counted at the location.
    field :on_hand
    # @!attribute [r] reserved
    #   @return [Integer]
    #   Units held for orders not yet shipped.
    field :reserved
    # @!attribute [r] available
    #   @return [Integer]
    #   `onHand - reserved`: what can be sold.
    field :available
    # @!attribute [r] low_stock_threshold
    #   @return [Integer]
    #   `inventory.low_stock` fires when `available` falls to this or below.
    field :low_stock_threshold
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
  end
end
