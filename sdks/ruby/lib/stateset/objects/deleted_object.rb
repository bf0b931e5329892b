# frozen_string_literal: true

# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.

module Stateset
  # What a delete answers: the id, the object's type, and `deleted`.
  class DeletedObject < StatesetObject
    # @!attribute [r] id
    #   @return [String]
    field :id
    # @!attribute [r] object
    #   @return [String]
    field :object
    # @!attribute [r] deleted
    #   @return [Boolean]
    field :deleted
  end
end
