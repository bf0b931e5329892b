# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A WebhookAttempt as REST answers it.
  class WebhookAttempt < StatesetObject
    # @!attribute [r] attempted_at
    #   @return [String] ISO 8601
    field :attempted_at
    # @!attribute [r] status_code
    #   @return [Integer, nil]
    field :status_code
    # @!attribute [r] duration_ms
    #   @return [Integer]
    field :duration_ms
    # @!attribute [r] error
    #   @return [String, nil]
    field :error
    # @!attribute [r] response_body
    #   @return [String, nil]
    #   The response's first 1 KB.
    field :response_body
  end
end
