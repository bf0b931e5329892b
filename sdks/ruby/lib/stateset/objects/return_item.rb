# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A ReturnItem as REST answers it.
  class ReturnItem < StatesetObject
    # @!attribute [r] sku
    #   @return [String]
    field :sku
    # @!attribute [r] quantity
    #   @return [Integer]
    field :quantity
  end
end
