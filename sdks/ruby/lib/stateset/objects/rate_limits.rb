# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # The plan's request limits for one key.
  class RateLimits < StatesetObject
    # @!attribute [r] per_minute
    #   @return [Integer, nil]
    field :per_minute
    # @!attribute [r] per_day
    #   @return [Integer, nil]
    field :per_day
    # @!attribute [r] burst_per_second
    #   @return [Integer, nil]
    field :burst_per_second
    # @!attribute [r] concurrent
    #   @return [Integer, nil]
    field :concurrent
  end
end
