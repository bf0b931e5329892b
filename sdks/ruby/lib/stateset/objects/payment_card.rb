# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # What is kept of a card: never its number or security code.
  class PaymentCard < StatesetObject
    # @!attribute [r] brand
    #   @return [String]
    field :brand
    # @!attribute [r] last4
    #   @return [String]
    field :last4
    # @!attribute [r] exp_month
    #   @return [Integer, nil]
    field :exp_month
    # @!attribute [r] exp_year
    #   @return [Integer, nil]
    field :exp_year
  end
end
