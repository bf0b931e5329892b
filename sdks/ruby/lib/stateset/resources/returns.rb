# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.returns+: /v1/returns.
    class Returns < Resource
      # List returns: GET /v1/returns.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, order_id, status,
      #   refund_amount, currency, created, updated
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
      # @param order_id_between [Array<String>, nil]
      # @param order_id_ilike [String, nil]
      # @param order_id_like [String, nil]
      # @param order_id_gte [String, nil]
      # @param order_id_lte [String, nil]
      # @param order_id_eq [String, nil]
      # @param order_id_ne [String, nil]
      # @param order_id_gt [String, nil]
      # @param order_id_lt [String, nil]
      # @param order_id_in [Array<String>, nil]
      # @param status_eq [String, nil] one of Stateset::ReturnStatus::VALUES
      # @param status_ne [String, nil] one of Stateset::ReturnStatus::VALUES
      # @param status_in [Array<String>, nil] one of Stateset::ReturnStatus::VALUES
      # @param reason_between [Array<String>, nil]
      # @param reason_ilike [String, nil]
      # @param reason_like [String, nil]
      # @param reason_gte [String, nil]
      # @param reason_lte [String, nil]
      # @param reason_eq [String, nil]
      # @param reason_ne [String, nil]
      # @param reason_gt [String, nil]
      # @param reason_lt [String, nil]
      # @param reason_in [Array<String>, nil]
      # @param restock_eq [Boolean, nil]
      # @param restock_ne [Boolean, nil]
      # @param refund_amount_between [Array<Integer>, nil]
      # @param refund_amount_gte [Integer, nil]
      # @param refund_amount_lte [Integer, nil]
      # @param refund_amount_eq [Integer, nil]
      # @param refund_amount_ne [Integer, nil]
      # @param refund_amount_gt [Integer, nil]
      # @param refund_amount_lt [Integer, nil]
      # @param refund_amount_in [Array<Integer>, nil]
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
      # @return [Stateset::Page<Stateset::Return>]
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
        order_id_between: nil,
        order_id_ilike: nil,
        order_id_like: nil,
        order_id_gte: nil,
        order_id_lte: nil,
        order_id_eq: nil,
        order_id_ne: nil,
        order_id_gt: nil,
        order_id_lt: nil,
        order_id_in: nil,
        status_eq: nil,
        status_ne: nil,
        status_in: nil,
        reason_between: nil,
        reason_ilike: nil,
        reason_like: nil,
        reason_gte: nil,
        reason_lte: nil,
        reason_eq: nil,
        reason_ne: nil,
        reason_gt: nil,
        reason_lt: nil,
        reason_in: nil,
        restock_eq: nil,
        restock_ne: nil,
        refund_amount_between: nil,
        refund_amount_gte: nil,
        refund_amount_lte: nil,
        refund_amount_eq: nil,
        refund_amount_ne: nil,
        refund_amount_gt: nil,
        refund_amount_lt: nil,
        refund_amount_in: nil,
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
          Stateset::Return,
          "/v1/returns",
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
            order_id_between:,
            order_id_ilike:,
            order_id_like:,
            order_id_gte:,
            order_id_lte:,
            order_id_eq:,
            order_id_ne:,
            order_id_gt:,
            order_id_lt:,
            order_id_in:,
            status_eq:,
            status_ne:,
            status_in:,
            reason_between:,
            reason_ilike:,
            reason_like:,
            reason_gte:,
            reason_lte:,
            reason_eq:,
            reason_ne:,
            reason_gt:,
            reason_lt:,
            reason_in:,
            restock_eq:,
            restock_ne:,
            refund_amount_between:,
            refund_amount_gte:,
            refund_amount_lte:,
            refund_amount_eq:,
            refund_amount_ne:,
            refund_amount_gt:,
            refund_amount_lt:,
            refund_amount_in:,
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

      # Retrieve one return: GET /v1/returns/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Return]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::Return,
          "GET",
          "/v1/returns/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a return: POST /v1/returns.
      #
      # @param order_id [String]
      # @param items [Array<Hash>] ReturnItemInput: sku, quantity
      # @param reason [String, nil]
      # @param restock [Boolean, nil] Put the units back on the shelf when received.
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Return]
      def create(
        order_id:,
        items:,
        reason: NOT_GIVEN,
        restock: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Return,
          "POST",
          "/v1/returns",
          body: Requests.body_of({ order_id:, items:, reason:, restock:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Approve: POST /v1/returns/{id}/approve.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Return]
      def approve(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Return,
          "POST",
          "/v1/returns/#{Requests.segment(id)}/approve",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Receive: POST /v1/returns/{id}/receive.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Return]
      def receive(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Return,
          "POST",
          "/v1/returns/#{Requests.segment(id)}/receive",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Process: POST /v1/returns/{id}/process.
      #
      # @param id [String]
      # @param refund_amount [Integer, nil] Minor units to refund; defaults to the returned items'
      #   value.
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Return]
      def process(id, refund_amount: NOT_GIVEN, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Return,
          "POST",
          "/v1/returns/#{Requests.segment(id)}/process",
          body: Requests.body_of({ refund_amount: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Reject: POST /v1/returns/{id}/reject.
      #
      # @param id [String]
      # @param reason [String, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Return]
      def reject(id, reason: NOT_GIVEN, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Return,
          "POST",
          "/v1/returns/#{Requests.segment(id)}/reject",
          body: Requests.body_of({ reason: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
