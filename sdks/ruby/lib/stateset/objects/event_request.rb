# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # An EventRequest as REST answers it.
  class EventRequest < StatesetObject
    # @!attribute [r] id
    #   @return [String, nil]
    field :id
    # @!attribute [r] idempotency_key
    #   @return [String, nil]
    field :idempotency_key
  end
end
