# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # An Event as REST answers it.
  class Event < StatesetObject
    # @!attribute [r] id
    #   @return [String]
    field :id
    # @!attribute [r] object
    #   @return [String]
    field :object
    # @!attribute [r] type
    #   @return [String]
    field :type
    # @!attribute [r] api_version
    #   @return [String]
    field :api_version
    # @!attribute [r] created
    #   @return [String] ISO 8601
    field :created
    # @!attribute [r] livemode
    #   @return [Boolean]
    field :livemode
    # @!attribute [r] account
    #   @return [String]
    field :account
    # @!attribute [r] sequence
    #   @return [Integer]
    field :sequence
    # @!attribute [r] data
    #   @return [Object]
    #   `{object, previous_attributes}` in the REST (snake_case) form.
    field :data
    # @!attribute [r] request
    #   @return [Stateset::EventRequest]
    field :request, of: EventRequest
  end
end
