# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.events+: /v1/events.
    class Events < Resource
      # List events: GET /v1/events.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param type [String, nil] One type (`order.shipped`), a family (`order.*`) or `*`.
      # @param sort [String, nil] Comma list, `-` for descending; of: id, type, created, sequence
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
      # @param type_between [Array<String>, nil]
      # @param type_ilike [String, nil]
      # @param type_like [String, nil]
      # @param type_gte [String, nil]
      # @param type_lte [String, nil]
      # @param type_eq [String, nil]
      # @param type_ne [String, nil]
      # @param type_gt [String, nil]
      # @param type_lt [String, nil]
      # @param type_in [Array<String>, nil]
      # @param created_between [Array<String, Time, Date>, nil] ISO 8601
      # @param created_gte [String, Time, Date, nil] ISO 8601
      # @param created_lte [String, Time, Date, nil] ISO 8601
      # @param created_eq [String, Time, Date, nil] ISO 8601
      # @param created_ne [String, Time, Date, nil] ISO 8601
      # @param created_gt [String, Time, Date, nil] ISO 8601
      # @param created_lt [String, Time, Date, nil] ISO 8601
      # @param created_in [Array<String, Time, Date>, nil] ISO 8601
      # @param sequence_between [Array<Integer>, nil]
      # @param sequence_gte [Integer, nil]
      # @param sequence_lte [Integer, nil]
      # @param sequence_eq [Integer, nil]
      # @param sequence_ne [Integer, nil]
      # @param sequence_gt [Integer, nil]
      # @param sequence_lt [Integer, nil]
      # @param sequence_in [Array<Integer>, nil]
      # @param object_id_between [Array<String>, nil]
      # @param object_id_ilike [String, nil]
      # @param object_id_like [String, nil]
      # @param object_id_gte [String, nil]
      # @param object_id_lte [String, nil]
      # @param object_id_eq [String, nil]
      # @param object_id_ne [String, nil]
      # @param object_id_gt [String, nil]
      # @param object_id_lt [String, nil]
      # @param object_id_in [Array<String>, nil]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Page<Stateset::Event>]
      def list(
        limit: nil,
        cursor: nil,
        offset: nil,
        page: nil,
        include_total: nil,
        type: nil,
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
        type_between: nil,
        type_ilike: nil,
        type_like: nil,
        type_gte: nil,
        type_lte: nil,
        type_eq: nil,
        type_ne: nil,
        type_gt: nil,
        type_lt: nil,
        type_in: nil,
        created_between: nil,
        created_gte: nil,
        created_lte: nil,
        created_eq: nil,
        created_ne: nil,
        created_gt: nil,
        created_lt: nil,
        created_in: nil,
        sequence_between: nil,
        sequence_gte: nil,
        sequence_lte: nil,
        sequence_eq: nil,
        sequence_ne: nil,
        sequence_gt: nil,
        sequence_lt: nil,
        sequence_in: nil,
        object_id_between: nil,
        object_id_ilike: nil,
        object_id_like: nil,
        object_id_gte: nil,
        object_id_lte: nil,
        object_id_eq: nil,
        object_id_ne: nil,
        object_id_gt: nil,
        object_id_lt: nil,
        object_id_in: nil,
        request_options: nil
      )
        @client.request_page(
          Stateset::Event,
          "/v1/events",
          Requests.query_of({
            limit:,
            cursor:,
            offset:,
            page:,
            include_total:,
            type:,
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
            type_between:,
            type_ilike:,
            type_like:,
            type_gte:,
            type_lte:,
            type_eq:,
            type_ne:,
            type_gt:,
            type_lt:,
            type_in:,
            created_between:,
            created_gte:,
            created_lte:,
            created_eq:,
            created_ne:,
            created_gt:,
            created_lt:,
            created_in:,
            sequence_between:,
            sequence_gte:,
            sequence_lte:,
            sequence_eq:,
            sequence_ne:,
            sequence_gt:,
            sequence_lt:,
            sequence_in:,
            object_id_between:,
            object_id_ilike:,
            object_id_like:,
            object_id_gte:,
            object_id_lte:,
            object_id_eq:,
            object_id_ne:,
            object_id_gt:,
            object_id_lt:,
            object_id_in:
          }),
          request_options
        )
      end

      # Retrieve one event: GET /v1/events/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Event]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::Event,
          "GET",
          "/v1/events/#{Requests.segment(id)}",
          request_options: request_options
        )
      end
    end
  end
end
