# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A WebhookEndpoint as REST answers it.
  class WebhookEndpoint < StatesetObject
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
    # @!attribute [r] url
    #   @return [String]
    field :url
    # @!attribute [r] enabled_events
    #   @return [Array<String>]
    field :enabled_events
    # @!attribute [r] description
    #   @return [String, nil]
    field :description
    # @!attribute [r] status
    #   @return [String] one of Stateset::WebhookEndpointStatus::VALUES
    field :status
    # @!attribute [r] secret
    #   @return [String, nil]
    #   Shown when the endpoint is created and when its secret is rotated; null otherwise.
    field :secret
    # @!attribute [r] metadata
    #   @return [Object]
    field :metadata
  end
end
