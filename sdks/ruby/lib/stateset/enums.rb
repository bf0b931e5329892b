# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # The values of ApiKeyType.
  module ApiKeyType
    SK = "sk"
    RK = "rk"
    PK = "pk"
    VALUES = [SK, RK, PK].freeze
  end

  # The values of CustomerSubscriptionInterval.
  module CustomerSubscriptionInterval
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    VALUES = [WEEK, MONTH, YEAR].freeze
  end

  # The values of CustomerSubscriptionStatus.
  module CustomerSubscriptionStatus
    ACTIVE = "active"
    CANCELLED = "cancelled"
    VALUES = [ACTIVE, CANCELLED].freeze
  end

  # The values of JobErrorPolicy.
  module JobErrorPolicy
    CONTINUE = "continue"
    STOP = "stop"
    VALUES = [CONTINUE, STOP].freeze
  end

  # The values of JobStatus.
  module JobStatus
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    VALUES = [QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED].freeze
  end

  # The values of JobType.
  module JobType
    BULK_MUTATION = "bulk_mutation"
    BULK_QUERY = "bulk_query"
    VALUES = [BULK_MUTATION, BULK_QUERY].freeze
  end

  # The values of Mode.
  module Mode
    TEST = "test"
    LIVE = "live"
    VALUES = [TEST, LIVE].freeze
  end

  # The values of OrderStatus.
  module OrderStatus
    PENDING = "pending"
    PAID = "paid"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    VALUES = [PENDING, PAID, PROCESSING, SHIPPED, DELIVERED, CANCELLED, REFUNDED].freeze
  end

  # The values of PaymentMethod.
  module PaymentMethod
    CARD = "card"
    EXTERNAL = "external"
    VALUES = [CARD, EXTERNAL].freeze
  end

  # The values of PaymentStatus.
  module PaymentStatus
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    VALUES = [SUCCEEDED, FAILED].freeze
  end

  # The account's plan, which sets its keys' rate limits.
  module Plan
    FREE = "free"
    STARTER = "starter"
    GROWTH = "growth"
    SCALE = "scale"
    ENTERPRISE = "enterprise"
    VALUES = [FREE, STARTER, GROWTH, SCALE, ENTERPRISE].freeze
  end

  # The values of RefundStatus.
  module RefundStatus
    SUCCEEDED = "succeeded"
    VALUES = [SUCCEEDED].freeze
  end

  # The values of ReturnStatus.
  module ReturnStatus
    REQUESTED = "requested"
    APPROVED = "approved"
    RECEIVED = "received"
    PROCESSED = "processed"
    REJECTED = "rejected"
    VALUES = [REQUESTED, APPROVED, RECEIVED, PROCESSED, REJECTED].freeze
  end

  # The values of WebhookDeliveryStatus.
  module WebhookDeliveryStatus
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    VALUES = [PENDING, SUCCEEDED, FAILED].freeze
  end

  # The values of WebhookEndpointStatus.
  module WebhookEndpointStatus
    ENABLED = "enabled"
    DISABLED = "disabled"
    VALUES = [ENABLED, DISABLED].freeze
  end
end
