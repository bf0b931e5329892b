# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # One API request as it was answered (kept 30 days); its id is the response's `X-Request-Id`.
  # Never a key's secret, a card number or a request body.
  class RequestLog < StatesetObject
    # @!attribute [r] id
    #   @return [String]
    field :id
    # @!attribute [r] object
    #   @return [String]
    field :object
    # @!attribute [r] method
    #   @return [String]
    field :method
    # @!attribute [r] path
    #   @return [String]
    #   The route's template (`/v1/orders/{id}`, `/graphql`, `/v1/batch`).
    field :path
    # @!attribute [r] status
    #   @return [Integer]
    field :status
    # @!attribute [r] duration_ms
    #   @return [Float]
    #   Time to answer, in milliseconds.
    field :duration_ms
    # @!attribute [r] api_key_id
    #   @return [String]
    field :api_key_id
    # @!attribute [r] idempotency_key
    #   @return [String, nil]
    field :idempotency_key
    # @!attribute [r] graphql_operation
    #   @return [String, nil]
    #   The GraphQL operation's name (`/graphql`), or null.
    field :graphql_operation
    # @!attribute [r] error
    #   @return [Object, nil]
    #   The error body's `error` object when the request failed (status 400 and over), card-number-
    #   like digits and key secrets scrubbed.
    field :error
    # @!attribute [r] created
    #   @return [String] ISO 8601
    field :created
    # @!attribute [r] livemode
    #   @return [Boolean]
    field :livemode
  end
end
