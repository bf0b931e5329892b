# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.webhook_endpoints+: /v1/webhook_endpoints.
    class WebhookEndpoints < Resource
      # List webhookEndpoints: GET /v1/webhook_endpoints.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, url, created, updated
      # @param id_between [Array<String>, nil]
      # @param id_ilike [String, nil]
      # @param id_like [String, nil]
      # @param id_gte [String, nil]
      # @param id_lte [String, nil]
      # @param id_eq [String, nil]
      # @param id_ne [String, nil]
      # @param id_gt [String, nil]
      # @param id_lt [String, nil]
      # @param id_in [Array<String>, nil]
      # @param url_between [Array<String>, nil]
      # @param url_ilike [String, nil]
      # @param url_like [String, nil]
      # @param url_gte [String, nil]
      # @param url_lte [String, nil]
      # @param url_eq [String, nil]
      # @param url_ne [String, nil]
      # @param url_gt [String, nil]
      # @param url_lt [String, nil]
      # @param url_in [Array<String>, nil]
      # @param status_eq [String, nil] one of Stateset::WebhookEndpointStatus::VALUES
      # @param status_ne [String, nil] one of Stateset::WebhookEndpointStatus::VALUES
      # @param status_in [Array<String>, nil] one of Stateset::WebhookEndpointStatus::VALUES
      # @param created_between [Array<String, Time, Date>, nil] ISO 8601
      # @param created_gte [String, Time, Date, nil] ISO 8601
      # @param created_lte [String, Time, Date, nil] ISO 8601
      # @param created_eq [String, Time, Date, nil] ISO 8601
      # @param created_ne [String, Time, Date, nil] ISO 8601
      # @param created_gt [String, Time, Date, nil] ISO 8601
      # @param created_lt [String, Time, Date, nil] ISO 8601
      # @param created_in [Array<String, Time, Date>, nil] ISO 8601
      # @param updated_between [Array<String, Time, Date>, nil] ISO 8601
      # @param updated_gte [String, Time, Date, nil] ISO 8601
      # @param updated_lte [String, Time, Date, nil] ISO 8601
      # @param updated_eq [String, Time, Date, nil] ISO 8601
      # @param updated_ne [String, Time, Date, nil] ISO 8601
      # @param updated_gt [String, Time, Date, nil] ISO 8601
      # @param updated_lt [String, Time, Date, nil] ISO 8601
      # @param updated_in [Array<String, Time, Date>, nil] ISO 8601
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Page<Stateset::WebhookEndpoint>]
      def list(
        limit: nil,
        cursor: nil,
        offset: nil,
        page: nil,
        include_total: nil,
        sort: nil,
        id_between: nil,
        id_ilike: nil,
        id_like: nil,
        id_gte: nil,
        id_lte: nil,
        id_eq: nil,
        id_ne: nil,
        id_gt: nil,
        id_lt: nil,
        id_in: nil,
        url_between: nil,
        url_ilike: nil,
        url_like: nil,
        url_gte: nil,
        url_lte: nil,
        url_eq: nil,
        url_ne: nil,
        url_gt: nil,
        url_lt: nil,
        url_in: nil,
        status_eq: nil,
        status_ne: nil,
        status_in: nil,
        created_between: nil,
        created_gte: nil,
        created_lte: nil,
        created_eq: nil,
        created_ne: nil,
        created_gt: nil,
        created_lt: nil,
        created_in: nil,
        updated_between: nil,
        updated_gte: nil,
        updated_lte: nil,
        updated_eq: nil,
        updated_ne: nil,
        updated_gt: nil,
        updated_lt: nil,
        updated_in: nil,
        request_options: nil
      )
        @client.request_page(
          Stateset::WebhookEndpoint,
          "/v1/webhook_endpoints",
          Requests.query_of({
            limit:,
            cursor:,
            offset:,
            page:,
            include_total:,
            sort:,
            id_between:,
            id_ilike:,
            id_like:,
            id_gte:,
            id_lte:,
            id_eq:,
            id_ne:,
            id_gt:,
            id_lt:,
            id_in:,
            url_between:,
            url_ilike:,
            url_like:,
            url_gte:,
            url_lte:,
            url_eq:,
            url_ne:,
            url_gt:,
            url_lt:,
            url_in:,
            status_eq:,
            status_ne:,
            status_in:,
            created_between:,
            created_gte:,
            created_lte:,
            created_eq:,
            created_ne:,
            created_gt:,
            created_lt:,
            created_in:,
            updated_between:,
            updated_gte:,
            updated_lte:,
            updated_eq:,
            updated_ne:,
            updated_gt:,
            updated_lt:,
            updated_in:
          }),
          request_options
        )
      end

      # Retrieve one webhookEndpoint: GET /v1/webhook_endpoints/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookEndpoint]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::WebhookEndpoint,
          "GET",
          "/v1/webhook_endpoints/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a webhookEndpoint: POST /v1/webhook_endpoints.
      #
      # @param url [String]
      # @param enabled_events [Array<String>]
      # @param description [String, nil]
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookEndpoint]
      def create(
        url:,
        enabled_events:,
        description: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::WebhookEndpoint,
          "POST",
          "/v1/webhook_endpoints",
          body: Requests.body_of({ url:, enabled_events:, description:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Update a webhookEndpoint: PATCH /v1/webhook_endpoints/{id}.
      #
      # @param id [String]
      # @param url [String, nil]
      # @param enabled_events [Array<String>, nil]
      # @param description [String, nil]
      # @param status [String, nil] one of Stateset::WebhookEndpointStatus::VALUES; `DISABLED` stops
      #   deliveries until `ENABLED`.
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookEndpoint]
      def update(
        id,
        url: NOT_GIVEN,
        enabled_events: NOT_GIVEN,
        description: NOT_GIVEN,
        status: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::WebhookEndpoint,
          "PATCH",
          "/v1/webhook_endpoints/#{Requests.segment(id)}",
          body: Requests.body_of({ url:, enabled_events:, description:, status:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Delete a webhookEndpoint: DELETE /v1/webhook_endpoints/{id}.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::DeletedObject]
      def delete(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::DeletedObject,
          "DELETE",
          "/v1/webhook_endpoints/#{Requests.segment(id)}",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Rotate the signing secret: POST /v1/webhook_endpoints/{id}/rotate_secret.
      #
      # @param id [String]
      # @param expire_previous_in [Integer, nil] Seconds the previous secret keeps signing beside
      #   the new one (at most 86400; 0 ends it now).
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookEndpoint]
      def rotate_secret(
        id,
        expire_previous_in: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::WebhookEndpoint,
          "POST",
          "/v1/webhook_endpoints/#{Requests.segment(id)}/rotate_secret",
          body: Requests.body_of({ expire_previous_in: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Send a test.webhook event: POST /v1/webhook_endpoints/{id}/test.
      #
      # @param id [String]
      # @param type [String, nil] `test.webhook` or an event type, e.g. `order.paid`; the event is
      #   not in the event log.
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::WebhookDelivery]
      def test(id, type: NOT_GIVEN, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::WebhookDelivery,
          "POST",
          "/v1/webhook_endpoints/#{Requests.segment(id)}/test",
          body: Requests.body_of({ type: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # List an endpoint's deliveries: GET /v1/webhook_endpoints/{id}/deliveries.
      #
      # @param id [String]
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param endpoint_id [String, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, event_type, created
      # @param id_between [Array<String>, nil]
      # @param id_ilike [String, nil]
      # @param id_like [String, nil]
      # @param id_gte [String, nil]
      # @param id_lte [String, nil]
      # @param id_eq [String, nil]
      # @param id_ne [String, nil]
      # @param id_gt [String, nil]
      # @param id_lt [String, nil]
      # @param id_in [Array<String>, nil]
      # @param event_id_between [Array<String>, nil]
      # @param event_id_ilike [String, nil]
      # @param event_id_like [String, nil]
      # @param event_id_gte [String, nil]
      # @param event_id_lte [String, nil]
      # @param event_id_eq [String, nil]
      # @param event_id_ne [String, nil]
      # @param event_id_gt [String, nil]
      # @param event_id_lt [String, nil]
      # @param event_id_in [Array<String>, nil]
      # @param event_type_between [Array<String>, nil]
      # @param event_type_ilike [String, nil]
      # @param event_type_like [String, nil]
      # @param event_type_gte [String, nil]
      # @param event_type_lte [String, nil]
      # @param event_type_eq [String, nil]
      # @param event_type_ne [String, nil]
      # @param event_type_gt [String, nil]
      # @param event_type_lt [String, nil]
      # @param event_type_in [Array<String>, nil]
      # @param status_eq [String, nil] one of Stateset::WebhookDeliveryStatus::VALUES
      # @param status_ne [String, nil] one of Stateset::WebhookDeliveryStatus::VALUES
      # @param status_in [Array<String>, nil] one of Stateset::WebhookDeliveryStatus::VALUES
      # @param created_between [Array<String, Time, Date>, nil] ISO 8601
      # @param created_gte [String, Time, Date, nil] ISO 8601
      # @param created_lte [String, Time, Date, nil] ISO 8601
      # @param created_eq [String, Time, Date, nil] ISO 8601
      # @param created_ne [String, Time, Date, nil] ISO 8601
      # @param created_gt [String, Time, Date, nil] ISO 8601
      # @param created_lt [String, Time, Date, nil] ISO 8601
      # @param created_in [Array<String, Time, Date>, nil] ISO 8601
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Page<Stateset::WebhookDelivery>]
      def deliveries(
        id,
        limit: nil,
        cursor: nil,
        offset: nil,
        page: nil,
        include_total: nil,
        endpoint_id: nil,
        sort: nil,
        id_between: nil,
        id_ilike: nil,
        id_like: nil,
        id_gte: nil,
        id_lte: nil,
        id_eq: nil,
        id_ne: nil,
        id_gt: nil,
        id_lt: nil,
        id_in: nil,
        event_id_between: nil,
        event_id_ilike: nil,
        event_id_like: nil,
        event_id_gte: nil,
        event_id_lte: nil,
        event_id_eq: nil,
        event_id_ne: nil,
        event_id_gt: nil,
        event_id_lt: nil,
        event_id_in: nil,
        event_type_between: nil,
        event_type_ilike: nil,
        event_type_like: nil,
        event_type_gte: nil,
        event_type_lte: nil,
        event_type_eq: nil,
        event_type_ne: nil,
        event_type_gt: nil,
        event_type_lt: nil,
        event_type_in: nil,
        status_eq: nil,
        status_ne: nil,
        status_in: nil,
        created_between: nil,
        created_gte: nil,
        created_lte: nil,
        created_eq: nil,
        created_ne: nil,
        created_gt: nil,
        created_lt: nil,
        created_in: nil,
        request_options: nil
      )
        @client.request_page(
          Stateset::WebhookDelivery,
          "/v1/webhook_endpoints/#{Requests.segment(id)}/deliveries",
          Requests.query_of({
            limit:,
            cursor:,
            offset:,
            page:,
            include_total:,
            endpoint_id:,
            sort:,
            id_between:,
            id_ilike:,
            id_like:,
            id_gte:,
            id_lte:,
            id_eq:,
            id_ne:,
            id_gt:,
            id_lt:,
            id_in:,
            event_id_between:,
            event_id_ilike:,
            event_id_like:,
            event_id_gte:,
            event_id_lte:,
            event_id_eq:,
            event_id_ne:,
            event_id_gt:,
            event_id_lt:,
            event_id_in:,
            event_type_between:,
            event_type_ilike:,
            event_type_like:,
            event_type_gte:,
            event_type_lte:,
            event_type_eq:,
            event_type_ne:,
            event_type_gt:,
            event_type_lt:,
            event_type_in:,
            status_eq:,
            status_ne:,
            status_in:,
            created_between:,
            created_gte:,
            created_lte:,
            created_eq:,
            created_ne:,
            created_gt:,
            created_lt:,
            created_in:
          }),
          request_options
        )
      end
    end
  end
end
