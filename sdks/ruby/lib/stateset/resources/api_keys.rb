# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.api_keys+: /v1/api_keys.
    class ApiKeys < Resource
      # List API keys: GET /v1/api_keys.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, created
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
      # @param type_eq [String, nil] one of Stateset::ApiKeyType::VALUES
      # @param type_ne [String, nil] one of Stateset::ApiKeyType::VALUES
      # @param type_in [Array<String>, nil] one of Stateset::ApiKeyType::VALUES
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
      # @param created_between [Array<String, Time, Date>, nil] ISO 8601
      # @param created_gte [String, Time, Date, nil] ISO 8601
      # @param created_lte [String, Time, Date, nil] ISO 8601
      # @param created_eq [String, Time, Date, nil] ISO 8601
      # @param created_ne [String, Time, Date, nil] ISO 8601
      # @param created_gt [String, Time, Date, nil] ISO 8601
      # @param created_lt [String, Time, Date, nil] ISO 8601
      # @param created_in [Array<String, Time, Date>, nil] ISO 8601
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Page<Stateset::ApiKey>]
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
        type_eq: nil,
        type_ne: nil,
        type_in: nil,
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
          Stateset::ApiKey,
          "/v1/api_keys",
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
            type_eq:,
            type_ne:,
            type_in:,
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

      # Create an API key: POST /v1/api_keys.
      #
      # @param type [String] one of Stateset::ApiKeyType::VALUES
      # @param name [String, nil]
      # @param scopes [Array<String>, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::ApiKey]
      def create(
        type:,
        name: NOT_GIVEN,
        scopes: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::ApiKey,
          "POST",
          "/v1/api_keys",
          body: Requests.body_of({ type:, name:, scopes: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Revoke an API key: DELETE /v1/api_keys/{id}.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::DeletedObject]
      def delete(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::DeletedObject,
          "DELETE",
          "/v1/api_keys/#{Requests.segment(id)}",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
