# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A WebhookDelivery as REST answers it.
  class WebhookDelivery < StatesetObject
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
    # @!attribute [r] endpoint_id
    #   @return [String]
    field :endpoint_id
    # @!attribute [r] event_id
    #   @return [String]
    field :event_id
    # @!attribute [r] event_type
    #   @return [String]
    field :event_type
    # @!attribute [r] status
    #   @return [String] one of Stateset::WebhookDeliveryStatus::VALUES
    field :status
    # @!attribute [r] attempts
    #   @return [Array<Stateset::WebhookAttempt>]
    field :attempts, of: WebhookAttempt
    # @!attribute [r] next_attempt_at
    #   @return [String, nil] ISO 8601
    field :next_attempt_at
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
  end
end
