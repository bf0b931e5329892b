# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.customers+: /v1/customers.
    class Customers < Resource
      # List customers: GET /v1/customers.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, email, name, created,
      #   updated
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
      # @param email_between [Array<String>, nil]
      # @param email_ilike [String, nil]
      # @param email_like [String, nil]
      # @param email_gte [String, nil]
      # @param email_lte [String, nil]
      # @param email_eq [String, nil]
      # @param email_ne [String, nil]
      # @param email_gt [String, nil]
      # @param email_lt [String, nil]
      # @param email_in [Array<String>, nil]
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
      # @param phone_between [Array<String>, nil]
      # @param phone_ilike [String, nil]
      # @param phone_like [String, nil]
      # @param phone_gte [String, nil]
      # @param phone_lte [String, nil]
      # @param phone_eq [String, nil]
      # @param phone_ne [String, nil]
      # @param phone_gt [String, nil]
      # @param phone_lt [String, nil]
      # @param phone_in [Array<String>, nil]
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
      # @return [Stateset::Page<Stateset::Customer>]
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
        email_between: nil,
        email_ilike: nil,
        email_like: nil,
        email_gte: nil,
        email_lte: nil,
        email_eq: nil,
        email_ne: nil,
        email_gt: nil,
        email_lt: nil,
        email_in: nil,
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
        phone_between: nil,
        phone_ilike: nil,
        phone_like: nil,
        phone_gte: nil,
        phone_lte: nil,
        phone_eq: nil,
        phone_ne: nil,
        phone_gt: nil,
        phone_lt: nil,
        phone_in: nil,
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
          Stateset::Customer,
          "/v1/customers",
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
            email_between:,
            email_ilike:,
            email_like:,
            email_gte:,
            email_lte:,
            email_eq:,
            email_ne:,
            email_gt:,
            email_lt:,
            email_in:,
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
            phone_between:,
            phone_ilike:,
            phone_like:,
            phone_gte:,
            phone_lte:,
            phone_eq:,
            phone_ne:,
            phone_gt:,
            phone_lt:,
            phone_in:,
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

      # Retrieve one customer: GET /v1/customers/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Customer]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::Customer,
          "GET",
          "/v1/customers/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a customer: POST /v1/customers.
      #
      # @param email [String]
      # @param name [String, nil]
      # @param phone [String, nil]
      # @param address [Hash, nil] AddressInput: line1 (optional), line2 (optional), city
      #   (optional), state (optional), postal_code (optional), country (optional)
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Customer]
      def create(
        email:,
        name: NOT_GIVEN,
        phone: NOT_GIVEN,
        address: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Customer,
          "POST",
          "/v1/customers",
          body: Requests.body_of({ email:, name:, phone:, address:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Update a customer: PATCH /v1/customers/{id}.
      #
      # @param id [String]
      # @param email [String, nil]
      # @param name [String, nil]
      # @param phone [String, nil]
      # @param address [Hash, nil] AddressInput: line1 (optional), line2 (optional), city
      #   (optional), state (optional), postal_code (optional), country (optional)
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Customer]
      def update(
        id,
        email: NOT_GIVEN,
        name: NOT_GIVEN,
        phone: NOT_GIVEN,
        address: NOT_GIVEN,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::Customer,
          "PATCH",
          "/v1/customers/#{Requests.segment(id)}",
          body: Requests.body_of({ email:, name:, phone:, address:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Delete a customer: DELETE /v1/customers/{id}.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::DeletedObject]
      def delete(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::DeletedObject,
          "DELETE",
          "/v1/customers/#{Requests.segment(id)}",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
