# frozen_string_literal: true

require_relative "lib/stateset/version"

Gem::Specification.new do |spec|
  spec.name = "stateset"
  spec.version = Stateset::VERSION
  spec.summary = "The StateSet API for Ruby"
  spec.description = "A client for the StateSet commerce API: retries that are safe with " \
                     "idempotency keys, an exception class per error kind, auto-paging, " \
                     "webhook signature verification. Standard library only."
  spec.authors = ["StateSet GQL"]
  spec.license = "Apache-2.0"
  spec.required_ruby_version = ">= 3.1"
  spec.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb", "README.md", "stateset.gemspec"] }
  spec.require_paths = ["lib"]
  spec.metadata["rubygems_mfa_required"] = "true"
end
