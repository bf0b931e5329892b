# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # An ApiKey as REST answers it.
  class ApiKey < StatesetObject
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
    # @!attribute [r] type
    #   @return [String] one of Stateset::ApiKeyType::VALUES
    field :type
    # @!attribute [r] name
    #   @return [String, nil]
    field :name
    # @!attribute [r] scopes
    #   @return [Array<String>]
    field :scopes
    # @!attribute [r] redacted
    #   @return [String]
    #   The prefix and last four characters.
    field :redacted
    # @!attribute [r] revoked
    #   @return [Boolean]
    field :revoked
    # @!attribute [r] secret
    #   @return [String, nil]
    #   The whole key: given once, in the answer to `createApiKey`, never again.
    field :secret
  end
end
