# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  module Resources
    # +client.account+: /v1/account.
    class Account < Resource
      # The calling key's account: GET /v1/account.
      #
      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call
      # @return [Stateset::Account]
      def retrieve(request_options: nil)
        @client.request_object(
          Stateset::Account,
          "GET",
          "/v1/account",
          request_options: request_options
        )
      end
    end
  end
end
