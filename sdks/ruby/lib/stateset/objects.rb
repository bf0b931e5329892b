# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

require_relative "objects/rate_limits"
require_relative "objects/account"
require_relative "objects/address"
require_relative "objects/api_key"
require_relative "objects/customer"
require_relative "objects/customer_subscription"
require_relative "objects/deleted_object"
require_relative "objects/event_request"
require_relative "objects/event"
require_relative "objects/inventory_item"
require_relative "objects/line_item"
require_relative "objects/payment_card"
require_relative "objects/payment"
require_relative "objects/refund"
require_relative "objects/order"
require_relative "objects/return_item"
require_relative "objects/return"
require_relative "objects/webhook_attempt"
require_relative "objects/webhook_delivery"
require_relative "objects/webhook_endpoint"
