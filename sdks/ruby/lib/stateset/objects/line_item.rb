# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A LineItem as REST answers it.
  class LineItem < StatesetObject
    # @!attribute [r] sku
    #   @return [String]
    field :sku
    # @!attribute [r] name
    #   @return [String]
    field :name
    # @!attribute [r] quantity
    #   @return [Integer]
    field :quantity
    # @!attribute [r] unit_amount
    #   @return [Integer]
    field :unit_amount
    # @!attribute [r] amount
    #   @return [Integer]
    field :amount
  end
end
