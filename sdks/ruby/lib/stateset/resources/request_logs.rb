# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.request_logs+: /v1/request_logs.
    class RequestLogs < Resource
      # List requestLogs: GET /v1/request_logs.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, status, created
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
      # @param status_between [Array<Integer>, nil]
      # @param status_gte [Integer, nil]
      # @param status_lte [Integer, nil]
      # @param status_eq [Integer, nil]
      # @param status_ne [Integer, nil]
      # @param status_gt [Integer, nil]
      # @param status_lt [Integer, nil]
      # @param status_in [Array<Integer>, nil]
      # @param path_between [Array<String>, nil]
      # @param path_ilike [String, nil]
      # @param path_like [String, nil]
      # @param path_gte [String, nil]
      # @param path_lte [String, nil]
      # @param path_eq [String, nil]
      # @param path_ne [String, nil]
      # @param path_gt [String, nil]
      # @param path_lt [String, nil]
      # @param path_in [Array<String>, nil]
      # @param method_between [Array<String>, nil]
      # @param method_ilike [String, nil]
      # @param method_like [String, nil]
      # @param method_gte [String, nil]
      # @param method_lte [String, nil]
      # @param method_eq [String, nil]
      # @param method_ne [String, nil]
      # @param method_gt [String, nil]
      # @param method_lt [String, nil]
      # @param method_in [Array<String>, nil]
      # @param api_key_id_between [Array<String>, nil]
      # @param api_key_id_ilike [String, nil]
      # @param api_key_id_like [String, nil]
      # @param api_key_id_gte [String, nil]
      # @param api_key_id_lte [String, nil]
      # @param api_key_id_eq [String, nil]
      # @param api_key_id_ne [String, nil]
      # @param api_key_id_gt [String, nil]
      # @param api_key_id_lt [String, nil]
      # @param api_key_id_in [Array<String>, nil]
      # @param created_between [Array<String, Time, Date>, nil] ISO 8601
      # @param created_gte [String, Time, Date, nil] ISO 8601
      # @param created_lte [String, Time, Date, nil] ISO 8601
      # @param created_eq [String, Time, Date, nil] ISO 8601
      # @param created_ne [String, Time, Date, nil] ISO 8601
      # @param created_gt [String, Time, Date, nil] ISO 8601
      # @param created_lt [String, Time, Date, nil] ISO 8601
      # @param created_in [Array<String, Time, Date>, nil] ISO 8601
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Page<Stateset::RequestLog>]
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
        status_between: nil,
        status_gte: nil,
        status_lte: nil,
        status_eq: nil,
        status_ne: nil,
        status_gt: nil,
        status_lt: nil,
        status_in: nil,
        path_between: nil,
        path_ilike: nil,
        path_like: nil,
        path_gte: nil,
        path_lte: nil,
        path_eq: nil,
        path_ne: nil,
        path_gt: nil,
        path_lt: nil,
        path_in: nil,
        method_between: nil,
        method_ilike: nil,
        method_like: nil,
        method_gte: nil,
        method_lte: nil,
        method_eq: nil,
        method_ne: nil,
        method_gt: nil,
        method_lt: nil,
        method_in: nil,
        api_key_id_between: nil,
        api_key_id_ilike: nil,
        api_key_id_like: nil,
        api_key_id_gte: nil,
        api_key_id_lte: nil,
        api_key_id_eq: nil,
        api_key_id_ne: nil,
        api_key_id_gt: nil,
        api_key_id_lt: nil,
        api_key_id_in: nil,
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
          Stateset::RequestLog,
          "/v1/request_logs",
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
            status_between:,
            status_gte:,
            status_lte:,
            status_eq:,
            status_ne:,
            status_gt:,
            status_lt:,
            status_in:,
            path_between:,
            path_ilike:,
            path_like:,
            path_gte:,
            path_lte:,
            path_eq:,
            path_ne:,
            path_gt:,
            path_lt:,
            path_in:,
            method_between:,
            method_ilike:,
            method_like:,
            method_gte:,
            method_lte:,
            method_eq:,
            method_ne:,
            method_gt:,
            method_lt:,
            method_in:,
            api_key_id_between:,
            api_key_id_ilike:,
            api_key_id_like:,
            api_key_id_gte:,
            api_key_id_lte:,
            api_key_id_eq:,
            api_key_id_ne:,
            api_key_id_gt:,
            api_key_id_lt:,
            api_key_id_in:,
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

      # Retrieve one requestLog: GET /v1/request_logs/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::RequestLog]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::RequestLog,
          "GET",
          "/v1/request_logs/#{Requests.segment(id)}",
          request_options: request_options
        )
      end
    end
  end
end
