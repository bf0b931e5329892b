# frozen_string_literal: true

module Stateset
  # The generated resources (+client.orders+), one class a REST collection.
  module Resources
    # What every resource shares: the client it sends through.
    class Resource
      def initialize(client)
        @client = client
      end

      def inspect
        "#<#{self.class.name}>"
      end
    end
  end
end
