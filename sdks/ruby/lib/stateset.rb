# frozen_string_literal: true

# The StateSet API for Ruby (standard library only).
#
#   require "stateset"
#   client = Stateset::Client.new(api_key: "sk_test_...", base_url: "http://127.0.0.1:8000")
#   order = client.orders.pay(order_id, card: { number: "4242424242424242", ... })
#   order.amount_paid                # REST's fields as readers
#   order.last_response.request_id   # "req_..."
#
# The hand-written core: errors, requests, retries, answers, transport, client, objects,
# pages, webhooks. Generated from sdks/manifest.json: enums.rb, objects/, resources/.
require_relative "stateset/version"
require_relative "stateset/errors"
require_relative "stateset/request"
require_relative "stateset/retries"
require_relative "stateset/stateset_object"
require_relative "stateset/page"
require_relative "stateset/enums"
require_relative "stateset/objects"
require_relative "stateset/resources"
require_relative "stateset/bulk"
require_relative "stateset/jobs"
require_relative "stateset/answers"
require_relative "stateset/transport"
require_relative "stateset/client"
require_relative "stateset/webhook"
