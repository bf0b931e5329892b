# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A Customer as REST answers it.
  class Customer < StatesetObject
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
    # @!attribute [r] email
    #   @return [String]
    field :email
    # @!attribute [r] name
    #   @return [String, nil]
    field :name
    # @!attribute [r] phone
    #   @return [String, nil]
    field :phone
    # @!attribute [r] address
    #   @return [Stateset::Address, nil]
    field :address, of: Address
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
  end
end
