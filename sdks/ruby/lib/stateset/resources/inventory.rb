# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.inventory+: /v1/inventory.
    class Inventory < Resource
      # Transfer stock: POST /v1/inventory/transfers.
      #
      # @param sku [String]
      # @param from_location [String]
      # @param to_location [String]
      # @param quantity [Integer]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::InventoryItem]
      def transfer(
        sku:,
        from_location:,
        to_location:,
        quantity:,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::InventoryItem,
          "POST",
          "/v1/inventory/transfers",
          body: Requests.body_of({ sku:, from_location:, to_location:, quantity: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # List inventoryItems: GET /v1/inventory.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, sku, name, location,
      #   on_hand, reserved, available, low_stock_threshold, created, updated
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
      # @param sku_between [Array<String>, nil]
      # @param sku_ilike [String, nil]
      # @param sku_like [String, nil]
      # @param sku_gte [String, nil]
      # @param sku_lte [String, nil]
      # @param sku_eq [String, nil]
      # @param sku_ne [String, nil]
      # @param sku_gt [String, nil]
      # @param sku_lt [String, nil]
      # @param sku_in [Array<String>, nil]
      # @param name_between [Array<String>, nil]
      # @param name_ilike [String, nil]
      # @param name_like [String, nil]
      # @param name_gte [String, nil]
      # @param name_lte [String, nil]
      # @param name_eq [String, nil]
      # @param name_ne [String, nil]
      # @param name_gt [String, nil]
      # @param name_lt [String, nil]
      # @param name_in [Array<String>, nil]
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
      # @param on_hand_between [Array<Integer>, nil]
      # @param on_hand_gte [Integer, nil]
      # @param on_hand_lte [Integer, nil]
      # @param on_hand_eq [Integer, nil]
      # @param on_hand_ne [Integer, nil]
      # @param on_hand_gt [Integer, nil]
      # @param on_hand_lt [Integer, nil]
      # @param on_hand_in [Array<Integer>, nil]
      # @param reserved_between [Array<Integer>, nil]
      # @param reserved_gte [Integer, nil]
      # @param reserved_lte [Integer, nil]
      # @param reserved_eq [Integer, nil]
      # @param reserved_ne [Integer, nil]
      # @param reserved_gt [Integer, nil]
      # @param reserved_lt [Integer, nil]
      # @param reserved_in [Array<Integer>, nil]
      # @param available_between [Array<Integer>, nil]
      # @param available_gte [Integer, nil]
      # @param available_lte [Integer, nil]
      # @param available_eq [Integer, nil]
      # @param available_ne [Integer, nil]
      # @param available_gt [Integer, nil]
      # @param available_lt [Integer, nil]
      # @param available_in [Array<Integer>, nil]
      # @param low_stock_threshold_between [Array<Integer>, nil]
      # @param low_stock_threshold_gte [Integer, nil]
      # @param low_stock_threshold_lte [Integer, nil]
      # @param low_stock_threshold_eq [Integer, nil]
      # @param low_stock_threshold_ne [Integer, nil]
      # @param low_stock_threshold_gt [Integer, nil]
      # @param low_stock_threshold_lt [Integer, nil]
      # @param low_stock_threshold_in [Array<Integer>, nil]
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
      # @return [Stateset::Page<Stateset::InventoryItem>]
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
        sku_between: nil,
        sku_ilike: nil,
        sku_like: nil,
        sku_gte: nil,
        sku_lte: nil,
        sku_eq: nil,
        sku_ne: nil,
        sku_gt: nil,
        sku_lt: nil,
        sku_in: nil,
        name_between: nil,
        name_ilike: nil,
        name_like: nil,
        name_gte: nil,
        name_lte: nil,
        name_eq: nil,
        name_ne: nil,
        name_gt: nil,
        name_lt: nil,
        name_in: nil,
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
        on_hand_between: nil,
        on_hand_gte: nil,
        on_hand_lte: nil,
        on_hand_eq: nil,
        on_hand_ne: nil,
        on_hand_gt: nil,
        on_hand_lt: nil,
        on_hand_in: nil,
        reserved_between: nil,
        reserved_gte: nil,
        reserved_lte: nil,
        reserved_eq: nil,
        reserved_ne: nil,
        reserved_gt: nil,
        reserved_lt: nil,
        reserved_in: nil,
        available_between: nil,
        available_gte: nil,
        available_lte: nil,
        available_eq: nil,
        available_ne: nil,
        available_gt: nil,
        available_lt: nil,
        available_in: nil,
        low_stock_threshold_between: nil,
        low_stock_threshold_gte: nil,
        low_stock_threshold_lte: nil,
        low_stock_threshold_eq: nil,
        low_stock_threshold_ne: nil,
        low_stock_threshold_gt: nil,
        low_stock_threshold_lt: nil,
        low_stock_threshold_in: nil,
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
          Stateset::InventoryItem,
          "/v1/inventory",
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
            sku_between:,
            sku_ilike:,
            sku_like:,
            sku_gte:,
            sku_lte:,
            sku_eq:,
            sku_ne:,
            sku_gt:,
            sku_lt:,
            sku_in:,
            name_between:,
            name_ilike:,
            name_like:,
            name_gte:,
            name_lte:,
            name_eq:,
            name_ne:,
            name_gt:,
            name_lt:,
            name_in:,
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
            on_hand_between:,
            on_hand_gte:,
            on_hand_lte:,
            on_hand_eq:,
            on_hand_ne:,
            on_hand_gt:,
            on_hand_lt:,
            on_hand_in:,
            reserved_between:,
            reserved_gte:,
            reserved_lte:,
            reserved_eq:,
            reserved_ne:,
            reserved_gt:,
            reserved_lt:,
            reserved_in:,
            available_between:,
            available_gte:,
            available_lte:,
            available_eq:,
            available_ne:,
            available_gt:,
            available_lt:,
            available_in:,
            low_stock_threshold_between:,
            low_stock_threshold_gte:,
            low_stock_threshold_lte:,
            low_stock_threshold_eq:,
            low_stock_threshold_ne:,
            low_stock_threshold_gt:,
            low_stock_threshold_lt:,
            low_stock_threshold_in:,
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

      # Retrieve one inventoryItem: GET /v1/inventory/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::InventoryItem]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::InventoryItem,
          "GET",
          "/v1/inventory/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a inventoryItem: POST /v1/inventory.
      #
      # @param sku [String]
      # @param name [String]
      # @param location [String, nil] Defaults to `"default"`.
      # @param on_hand [Integer, nil] Defaults to 0.
      # @param low_stock_threshold [Integer, nil] Defaults to 0 (only running out is reported).
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::InventoryItem]
      def create(
        sku:,
        name:,
        location: NOT_GIVEN,
        on_hand: NOT_GIVEN,
        low_stock_threshold: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::InventoryItem,
          "POST",
          "/v1/inventory",
          body: Requests.body_of({
            sku:,
            name:,
            location:,
            on_hand:,
            low_stock_threshold:,
            metadata:
          }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Update a inventoryItem: PATCH /v1/inventory/{id}.
      #
      # @param id [String]
      # @param name [String, nil]
      # @param low_stock_threshold [Integer, nil]
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::InventoryItem]
      def update(
        id,
        name: NOT_GIVEN,
        low_stock_threshold: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::InventoryItem,
          "PATCH",
          "/v1/inventory/#{Requests.segment(id)}",
          body: Requests.body_of({ name:, low_stock_threshold:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Adjust: POST /v1/inventory/{id}/adjust.
      #
      # @param id [String]
      # @param delta [Integer]
      # @param reason [String, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::InventoryItem]
      def adjust(id, delta:, reason: NOT_GIVEN, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::InventoryItem,
          "POST",
          "/v1/inventory/#{Requests.segment(id)}/adjust",
          body: Requests.body_of({ delta:, reason: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
