# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.webhook_deliveries+: /v1/webhook_deliveries.
    class WebhookDeliveries < Resource
      # Retrieve one webhook delivery: GET /v1/webhook_deliveries/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookDelivery]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::WebhookDelivery,
          "GET",
          "/v1/webhook_deliveries/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Attempt a delivery once more, now: POST /v1/webhook_deliveries/{id}/redeliver.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookDelivery]
      def redeliver(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::WebhookDelivery,
          "POST",
          "/v1/webhook_deliveries/#{Requests.segment(id)}/redeliver",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
