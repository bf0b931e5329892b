# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # A bulk job: a mutation run once per line of variables, or a query's connection exported whole.
  # Its results: `GET /v1/jobs/{id}/results` (JSONL).
  class Job < StatesetObject
    # @!attribute [r] id
    #   @return [String]
    field :id
    # @!attribute [r] object
    #   @return [String]
    field :object
    # @!attribute [r] type
    #   @return [String] one of Stateset::JobType::VALUES
    field :type
    # @!attribute [r] status
    #   @return [String] one of Stateset::JobStatus::VALUES
    field :status
    # @!attribute [r] total
    #   @return [Integer]
    #   Lines to run (a mutation's, known once every line was checked); rows exported so far (a
    #   query's).
    field :total
    # @!attribute [r] processed
    #   @return [Integer]
    field :processed
    # @!attribute [r] succeeded
    #   @return [Integer]
    field :succeeded
    # @!attribute [r] failed
    #   @return [Integer]
    field :failed
    # @!attribute [r] error_policy
    #   @return [String] one of Stateset::JobErrorPolicy::VALUES
    field :error_policy
    # @!attribute [r] error
    #   @return [Object, nil]
    #   Why the whole job failed: `code`, `message` and, for a line, `line`.
    field :error
    # @!attribute [r] created
    #   @return [String] ISO 8601
    field :created
    # @!attribute [r] started_at
    #   @return [String, nil] ISO 8601
    field :started_at
    # @!attribute [r] finished_at
    #   @return [String, nil] ISO 8601
    field :finished_at
    # @!attribute [r] results_expires_at
    #   @return [String, nil] ISO 8601
    field :results_expires_at
    # @!attribute [r] livemode
    #   @return [Boolean]
    field :livemode
  end
end
