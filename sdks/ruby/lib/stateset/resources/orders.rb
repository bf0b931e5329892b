# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.orders+: /v1/orders.
    class Orders < Resource
      # List orders: GET /v1/orders.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, amount, created, updated
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
      # @param status_eq [String, nil] one of Stateset::OrderStatus::VALUES
      # @param status_ne [String, nil] one of Stateset::OrderStatus::VALUES
      # @param status_in [Array<String>, nil] one of Stateset::OrderStatus::VALUES
      # @param amount_between [Array<Integer>, nil]
      # @param amount_gte [Integer, nil]
      # @param amount_lte [Integer, nil]
      # @param amount_eq [Integer, nil]
      # @param amount_ne [Integer, nil]
      # @param amount_gt [Integer, nil]
      # @param amount_lt [Integer, nil]
      # @param amount_in [Array<Integer>, nil]
      # @param currency_between [Array<String>, nil]
      # @param currency_ilike [String, nil]
      # @param currency_like [String, nil]
      # @param currency_gte [String, nil]
      # @param currency_lte [String, nil]
      # @param currency_eq [String, nil]
      # @param currency_ne [String, nil]
      # @param currency_gt [String, nil]
      # @param currency_lt [String, nil]
      # @param currency_in [Array<String>, nil]
      # @param customer_id_between [Array<String>, nil]
      # @param customer_id_ilike [String, nil]
      # @param customer_id_like [String, nil]
      # @param customer_id_gte [String, nil]
      # @param customer_id_lte [String, nil]
      # @param customer_id_eq [String, nil]
      # @param customer_id_ne [String, nil]
      # @param customer_id_gt [String, nil]
      # @param customer_id_lt [String, nil]
      # @param customer_id_in [Array<String>, nil]
      # @param location_between [Array<String>, nil]
      # @param location_ilike [String, nil]
      # @param location_like [String, nil]
      # @param location_gte [String, nil]
      # @param location_lte [String, nil]
      # @param location_eq [String, nil]
      # @param location_ne [String, nil]
      # @param location_gt [String, nil]
      # @param location_lt [String, nil]
      # @param location_in [Array<String>, nil]
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
      # @return [Stateset::Page<Stateset::Order>]
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
        status_eq: nil,
        status_ne: nil,
        status_in: nil,
        amount_between: nil,
        amount_gte: nil,
        amount_lte: nil,
        amount_eq: nil,
        amount_ne: nil,
        amount_gt: nil,
        amount_lt: nil,
        amount_in: nil,
        currency_between: nil,
        currency_ilike: nil,
        currency_like: nil,
        currency_gte: nil,
        currency_lte: nil,
        currency_eq: nil,
        currency_ne: nil,
        currency_gt: nil,
        currency_lt: nil,
        currency_in: nil,
        customer_id_between: nil,
        customer_id_ilike: nil,
        customer_id_like: nil,
        customer_id_gte: nil,
        customer_id_lte: nil,
        customer_id_eq: nil,
        customer_id_ne: nil,
        customer_id_gt: nil,
        customer_id_lt: nil,
        customer_id_in: nil,
        location_between: nil,
        location_ilike: nil,
        location_like: nil,
        location_gte: nil,
        location_lte: nil,
        location_eq: nil,
        location_ne: nil,
        location_gt: nil,
        location_lt: nil,
        location_in: nil,
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
          Stateset::Order,
          "/v1/orders",
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
            status_eq:,
            status_ne:,
            status_in:,
            amount_between:,
            amount_gte:,
            amount_lte:,
            amount_eq:,
            amount_ne:,
            amount_gt:,
            amount_lt:,
            amount_in:,
            currency_between:,
            currency_ilike:,
            currency_like:,
            currency_gte:,
            currency_lte:,
            currency_eq:,
            currency_ne:,
            currency_gt:,
            currency_lt:,
            currency_in:,
            customer_id_between:,
            customer_id_ilike:,
            customer_id_like:,
            customer_id_gte:,
            customer_id_lte:,
            customer_id_eq:,
            customer_id_ne:,
            customer_id_gt:,
            customer_id_lt:,
            customer_id_in:,
            location_between:,
            location_ilike:,
            location_like:,
            location_gte:,
            location_lte:,
            location_eq:,
            location_ne:,
            location_gt:,
            location_lt:,
            location_in:,
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

      # Retrieve one order: GET /v1/orders/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::Order,
          "GET",
          "/v1/orders/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a order: POST /v1/orders.
      #
      # @param currency [String]
      # @param line_items [Array<Hash>] LineItemInput: sku, name, quantity, unit_amount
      # @param customer_id [String, nil]
      # @param tax [Integer, nil]
      # @param shipping_cost [Integer, nil]
      # @param location [String, nil]
      # @param shipping_address [Hash, nil] AddressInput: line1 (optional), line2 (optional), city
      #   (optional), state (optional), postal_code (optional), country (optional)
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def create(
        currency:,
        line_items:,
        customer_id: NOT_GIVEN,
        tax: NOT_GIVEN,
        shipping_cost: NOT_GIVEN,
        location: NOT_GIVEN,
        shipping_address: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders",
          body: Requests.body_of({
            currency:,
            line_items:,
            customer_id:,
            tax:,
            shipping_cost:,
            location:,
            shipping_address:,
            metadata:
          }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Update a order: PATCH /v1/orders/{id}.
      #
      # @param id [String]
      # @param customer_id [String, nil]
      # @param tax [Integer, nil]
      # @param shipping_cost [Integer, nil]
      # @param shipping_address [Hash, nil] AddressInput: line1 (optional), line2 (optional), city
      #   (optional), state (optional), postal_code (optional), country (optional)
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def update(
        id,
        customer_id: NOT_GIVEN,
        tax: NOT_GIVEN,
        shipping_cost: NOT_GIVEN,
        shipping_address: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Order,
          "PATCH",
          "/v1/orders/#{Requests.segment(id)}",
          body: Requests.body_of({
            customer_id:,
            tax:,
            shipping_cost:,
            shipping_address:,
            metadata:
          }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Pay: POST /v1/orders/{id}/pay.
      #
      # @param id [String]
      # @param card [Hash, nil] CardInput: number, exp_month, exp_year, cvc
      # @param external_reference [String, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def pay(
        id,
        card: NOT_GIVEN,
        external_reference: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders/#{Requests.segment(id)}/pay",
          body: Requests.body_of({ card:, external_reference: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Process: POST /v1/orders/{id}/process.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def process(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders/#{Requests.segment(id)}/process",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Ship: POST /v1/orders/{id}/ship.
      #
      # @param id [String]
      # @param carrier [String]
      # @param tracking_number [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def ship(id, carrier:, tracking_number:, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders/#{Requests.segment(id)}/ship",
          body: Requests.body_of({ carrier:, tracking_number: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Deliver: POST /v1/orders/{id}/deliver.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def deliver(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders/#{Requests.segment(id)}/deliver",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Cancel: POST /v1/orders/{id}/cancel.
      #
      # @param id [String]
      # @param reason [String, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def cancel(id, reason: NOT_GIVEN, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders/#{Requests.segment(id)}/cancel",
          body: Requests.body_of({ reason: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Refund: POST /v1/orders/{id}/refund.
      #
      # @param id [String]
      # @param amount [Integer, nil]
      # @param reason [String, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Order]
      def refund(
        id,
        amount: NOT_GIVEN,
        reason: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Order,
          "POST",
          "/v1/orders/#{Requests.segment(id)}/refund",
          body: Requests.body_of({ amount:, reason: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
