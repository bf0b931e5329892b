# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

require_relative "resource"
require_relative "resources/account"
require_relative "resources/customers"
require_relative "resources/orders"
require_relative "resources/inventory"
require_relative "resources/returns"
require_relative "resources/subscriptions"
require_relative "resources/events"
require_relative "resources/request_logs"
require_relative "resources/webhook_endpoints"
require_relative "resources/webhook_deliveries"
require_relative "resources/jobs"
require_relative "resources/api_keys"

module Stateset
  module Resources
    # The client's resources, one reader each: +client.orders+.
    module Accessors
      # @return [Stateset::Resources::Account]
      def account
        @account ||= Account.new(self)
      end

      # @return [Stateset::Resources::Customers]
      def customers
        @customers ||= Customers.new(self)
      end

      # @return [Stateset::Resources::Orders]
      def orders
        @orders ||= Orders.new(self)
      end

      # @return [Stateset::Resources::Inventory]
      def inventory
        @inventory ||= Inventory.new(self)
      end

      # @return [Stateset::Resources::Returns]
      def returns
        @returns ||= Returns.new(self)
      end

      # @return [Stateset::Resources::Subscriptions]
      def subscriptions
        @subscriptions ||= Subscriptions.new(self)
      end

      # @return [Stateset::Resources::Events]
      def events
        @events ||= Events.new(self)
      end

      # @return [Stateset::Resources::RequestLogs]
      def request_logs
        @request_logs ||= RequestLogs.new(self)
      end

      # @return [Stateset::Resources::WebhookEndpoints]
      def webhook_endpoints
        @webhook_endpoints ||= WebhookEndpoints.new(self)
      end

      # @return [Stateset::Resources::WebhookDeliveries]
      def webhook_deliveries
        @webhook_deliveries ||= WebhookDeliveries.new(self)
      end

      # @return [Stateset::Resources::Jobs]
      def jobs
        @jobs ||= Jobs.new(self)
      end

      # @return [Stateset::Resources::ApiKeys]
      def api_keys
        @api_keys ||= ApiKeys.new(self)
      end
    end
  end
end
