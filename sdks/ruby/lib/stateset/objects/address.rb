# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # An Address as REST answers it.
  class Address < StatesetObject
    # @!attribute [r] line1
    #   @return [String, nil]
    field :line1
    # @!attribute [r] line2
    #   @return [String, nil]
    field :line2
    # @!attribute [r] city
    #   @return [String, nil]
    field :city
    # @!attribute [r] state
    #   @return [String, nil]
    field :state
    # @!attribute [r] postal_code
    #   @return [String, nil]
    field :postal_code
    # @!attribute [r] country
    #   @return [String, nil]
    field :country
  end
end
