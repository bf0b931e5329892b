# frozen_string_literal: true

module Stateset
  VERSION = "0.1.0"
end
