# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # Who is calling: the account, mode, key type, scopes and plan.
  class Account < StatesetObject
    # @!attribute [r] id
    #   @return [String]
    field :id
    # @!attribute [r] object
    #   @return [String]
    field :object
    # @!attribute [r] name
    #   @return [String]
    field :name
    # @!attribute [r] plan
    #   @return [String] one of Stateset::Plan::VALUES
    field :plan
    # @!attribute [r] livemode
    #   @return [Boolean]
    field :livemode
    # @!attribute [r] mode
    #   @return [String] one of Stateset::Mode::VALUES
    field :mode
    # @!attribute [r] key_id
    #   @return [String]
    field :key_id
    # @!attribute [r] key_type
    #   @return [String] one of Stateset::ApiKeyType::VALUES
    field :key_type
    # @!attribute [r] scopes
    #   @return [Array<String>]
    field :scopes
    # @!attribute [r] limits
    #   @return [Stateset::RateLimits]
    field :limits, of: RateLimits
  end
end
