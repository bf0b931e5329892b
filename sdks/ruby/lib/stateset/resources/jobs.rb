# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.jobs+: /v1/jobs.
    class Jobs < Resource
      # List jobs: GET /v1/jobs.
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
      # @param type_eq [String, nil] one of Stateset::JobType::VALUES
      # @param type_ne [String, nil] one of Stateset::JobType::VALUES
      # @param type_in [Array<String>, nil] one of Stateset::JobType::VALUES
      # @param status_eq [String, nil] one of Stateset::JobStatus::VALUES
      # @param status_ne [String, nil] one of Stateset::JobStatus::VALUES
      # @param status_in [Array<String>, nil] one of Stateset::JobStatus::VALUES
      # @param created_between [Array<String, Time, Date>, nil] ISO 8601
      # @param created_gte [String, Time, Date, nil] ISO 8601
      # @param created_lte [String, Time, Date, nil] ISO 8601
      # @param created_eq [String, Time, Date, nil] ISO 8601
      # @param created_ne [String, Time, Date, nil] ISO 8601
      # @param created_gt [String, Time, Date, nil] ISO 8601
      # @param created_lt [String, Time, Date, nil] ISO 8601
      # @param created_in [Array<String, Time, Date>, nil] ISO 8601
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Page<Stateset::Job>]
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
          Stateset::Job,
          "/v1/jobs",
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

      # Retrieve one job: GET /v1/jobs/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Job]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::Job,
          "GET",
          "/v1/jobs/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a job: POST /v1/jobs.
      #
      # @param type [String] one of Stateset::JobType::VALUES
      # @param mutation [String, nil] A bulk mutation's document: one mutation with exactly one root
      #   field.
      # @param query [String, nil] A bulk query's document: one query whose one root field is a
      #   list.
      # @param variables_file [String, nil] A `bulk_input` file (`POST /v1/files`): JSONL, one
      #   object of variables a line.
      # @param variables [Array<Object>, nil]
      # @param error_policy [String, nil] one of Stateset::JobErrorPolicy::VALUES; Run every line
      #   (continue, the default) or end the job at the first failed line (stop).
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Job]
      def create(
        type:,
        mutation: NOT_GIVEN,
        query: NOT_GIVEN,
        variables_file: NOT_GIVEN,
        variables: NOT_GIVEN,
        error_policy: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Job,
          "POST",
          "/v1/jobs",
          body: Requests.body_of({
            type:,
            mutation:,
            query:,
            variables_file:,
            variables:,
            error_policy:
          }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Cancel: POST /v1/jobs/{id}/cancel.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Job]
      def cancel(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::Job,
          "POST",
          "/v1/jobs/#{Requests.segment(id)}/cancel",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
