# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.subscriptions+: /v1/subscriptions.
    class Subscriptions < Resource
      # List customerSubscriptions: GET /v1/subscriptions.
      #
      # @param limit [Integer, nil]
      # @param cursor [String, nil] `next_cursor` of the previous page; not with `offset`
      # @param offset [Integer, nil]
      # @param page [Integer, nil] Deprecated: offset = (page-1) * limit
      # @param include_total [Boolean, nil]
      # @param sort [String, nil] Comma list, `-` for descending; of: id, customer_id, status, plan,
      #   amount, currency, interval, current_period_end, cancelled_at, created, updated
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
      # @param status_eq [String, nil] one of Stateset::CustomerSubscriptionStatus::VALUES
      # @param status_ne [String, nil] one of Stateset::CustomerSubscriptionStatus::VALUES
      # @param status_in [Array<String>, nil] one of Stateset::CustomerSubscriptionStatus::VALUES
      # @param plan_between [Array<String>, nil]
      # @param plan_ilike [String, nil]
      # @param plan_like [String, nil]
      # @param plan_gte [String, nil]
      # @param plan_lte [String, nil]
      # @param plan_eq [String, nil]
      # @param plan_ne [String, nil]
      # @param plan_gt [String, nil]
      # @param plan_lt [String, nil]
      # @param plan_in [Array<String>, nil]
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
      # @param interval_eq [String, nil] one of Stateset::CustomerSubscriptionInterval::VALUES
      # @param interval_ne [String, nil] one of Stateset::CustomerSubscriptionInterval::VALUES
      # @param interval_in [Array<String>, nil] one of
      #   Stateset::CustomerSubscriptionInterval::VALUES
      # @param current_period_end_between [Array<String, Time, Date>, nil] ISO 8601
      # @param current_period_end_gte [String, Time, Date, nil] ISO 8601
      # @param current_period_end_lte [String, Time, Date, nil] ISO 8601
      # @param current_period_end_eq [String, Time, Date, nil] ISO 8601
      # @param current_period_end_ne [String, Time, Date, nil] ISO 8601
      # @param current_period_end_gt [String, Time, Date, nil] ISO 8601
      # @param current_period_end_lt [String, Time, Date, nil] ISO 8601
      # @param current_period_end_in [Array<String, Time, Date>, nil] ISO 8601
      # @param cancelled_at_between [Array<String, Time, Date>, nil] ISO 8601
      # @param cancelled_at_gte [String, Time, Date, nil] ISO 8601
      # @param cancelled_at_lte [String, Time, Date, nil] ISO 8601
      # @param cancelled_at_eq [String, Time, Date, nil] ISO 8601
      # @param cancelled_at_ne [String, Time, Date, nil] ISO 8601
      # @param cancelled_at_gt [String, Time, Date, nil] ISO 8601
      # @param cancelled_at_lt [String, Time, Date, nil] ISO 8601
      # @param cancelled_at_in [Array<String, Time, Date>, nil] ISO 8601
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
      # @return [Stateset::Page<Stateset::CustomerSubscription>]
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
        status_eq: nil,
        status_ne: nil,
        status_in: nil,
        plan_between: nil,
        plan_ilike: nil,
        plan_like: nil,
        plan_gte: nil,
        plan_lte: nil,
        plan_eq: nil,
        plan_ne: nil,
        plan_gt: nil,
        plan_lt: nil,
        plan_in: nil,
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
        interval_eq: nil,
        interval_ne: nil,
        interval_in: nil,
        current_period_end_between: nil,
        current_period_end_gte: nil,
        current_period_end_lte: nil,
        current_period_end_eq: nil,
        current_period_end_ne: nil,
        current_period_end_gt: nil,
        current_period_end_lt: nil,
        current_period_end_in: nil,
        cancelled_at_between: nil,
        cancelled_at_gte: nil,
        cancelled_at_lte: nil,
        cancelled_at_eq: nil,
        cancelled_at_ne: nil,
        cancelled_at_gt: nil,
        cancelled_at_lt: nil,
        cancelled_at_in: nil,
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
          Stateset::CustomerSubscription,
          "/v1/subscriptions",
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
            status_eq:,
            status_ne:,
            status_in:,
            plan_between:,
            plan_ilike:,
            plan_like:,
            plan_gte:,
            plan_lte:,
            plan_eq:,
            plan_ne:,
            plan_gt:,
            plan_lt:,
            plan_in:,
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
            interval_eq:,
            interval_ne:,
            interval_in:,
            current_period_end_between:,
            current_period_end_gte:,
            current_period_end_lte:,
            current_period_end_eq:,
            current_period_end_ne:,
            current_period_end_gt:,
            current_period_end_lt:,
            current_period_end_in:,
            cancelled_at_between:,
            cancelled_at_gte:,
            cancelled_at_lte:,
            cancelled_at_eq:,
            cancelled_at_ne:,
            cancelled_at_gt:,
            cancelled_at_lt:,
            cancelled_at_in:,
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

      # Retrieve one customerSubscription: GET /v1/subscriptions/{id}.
      #
      # @param id [String]
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::CustomerSubscription]
      def retrieve(id, request_options: nil)
        @client.request_object(
          Stateset::CustomerSubscription,
          "GET",
          "/v1/subscriptions/#{Requests.segment(id)}",
          request_options: request_options
        )
      end

      # Create a customerSubscription: POST /v1/subscriptions.
      #
      # @param customer_id [String]
      # @param plan [String]
      # @param amount [Integer] Minor units billed each interval.
      # @param currency [String]
      # @param interval [String] one of Stateset::CustomerSubscriptionInterval::VALUES
      # @param metadata [Object, nil]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::CustomerSubscription]
      def create(
        customer_id:,
        plan:,
        amount:,
        currency:,
        interval:,
        metadata: NOT_GIVEN,
        idempotency_key: nil,
        request_options: nil
      )
        @client.request_object(
          Stateset::CustomerSubscription,
          "POST",
          "/v1/subscriptions",
          body: Requests.body_of({ customer_id:, plan:, amount:, currency:, interval:, metadata: }),
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end

      # Cancel: POST /v1/subscriptions/{id}/cancel.
      #
      # @param id [String]
      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::CustomerSubscription]
      def cancel(id, idempotency_key: nil, request_options: nil)
        @client.request_object(
          Stateset::CustomerSubscription,
          "POST",
          "/v1/subscriptions/#{Requests.segment(id)}/cancel",
          idempotency_key: idempotency_key,
          request_options: request_options
        )
      end
    end
  end
end
