# frozen_string_literal: true

require "json"
require "securerandom"
require "time"
require "uri"

module Stateset
  # The default of an optional body field: left out of the body (nil sends null, which
  # clears a field in an update).
  NOT_GIVEN = Object.new.tap do |given|
    def given.inspect = "Stateset::NOT_GIVEN"
    def given.to_s = inspect
  end.freeze

  # One logical request: the same method, URL, headers (its Idempotency-Key included)
  # and body on every attempt.
  Request = Struct.new(:method, :path, :query, :headers, :body, :timeout, :max_retries,
                       :idempotency_key, keyword_init: true) do
    # The path and query string, as sent.
    def target
      query.empty? ? path : "#{path}?#{URI.encode_www_form(query)}"
    end
  end

  # Building a Request from a call's arguments.
  module Requests
    WRITES = %w[POST PATCH DELETE].freeze
    # Per-request overrides of the client's configuration.
    OPTIONS = %i[api_key timeout max_retries].freeze

    module_function

    # +config+ is the client's Config; +options+ a request_options Hash.
    def build(config, method, path, query: nil, body: nil, idempotency_key: nil, options: nil)
      options = check_options(options)
      headers = {
        "Authorization" => "Bearer #{options.fetch(:api_key, config.api_key)}",
        "Accept" => "application/json",
        "User-Agent" => "stateset-ruby/#{VERSION} ruby/#{RUBY_VERSION}"
      }
      key = nil
      if WRITES.include?(method)
        key = idempotency_key || SecureRandom.uuid
        headers["Idempotency-Key"] = key
      end
      body = {} if body.nil? && method == "POST"
      unless body.nil?
        headers["Content-Type"] = "application/json"
        body = JSON.generate(body)
      end
      Request.new(
        method: method,
        path: config.base_path + path,
        query: (query || {}).map { |name, value| [name.to_s, query_value(value)] },
        headers: headers,
        body: body,
        timeout: Float(options.fetch(:timeout, config.timeout)),
        max_retries: Integer(options.fetch(:max_retries, config.max_retries)),
        idempotency_key: key
      )
    end

    def check_options(options)
      return {} if options.nil?
      unknown = options.keys - OPTIONS
      return options if unknown.empty?

      raise ArgumentError, "unknown request_options #{unknown.inspect}; known: #{OPTIONS.inspect}"
    end

    # An id as one path segment: escaped, and never empty.
    def segment(id)
      unless id.is_a?(String) && !id.empty?
        raise ArgumentError, "an id must be a non-empty String, not #{id.inspect}"
      end

      URI.encode_www_form_component(id).gsub("+", "%20")
    end

    # The fields the caller gave (NOT_GIVEN ones left out).
    def body_of(fields)
      fields.reject { |_, value| value.equal?(NOT_GIVEN) }
    end

    # The filters the caller gave (nil ones left out).
    def query_of(params)
      params.reject { |_, value| value.nil? || value.equal?(NOT_GIVEN) }
    end

    # A query parameter's text: lists comma-separated, times in ISO 8601.
    def query_value(value)
      case value
      when Array then value.map { |v| query_value(v) }.join(",")
      when Time, DateTime then value.iso8601
      when Date then value.iso8601
      else value.to_s
      end
    end

    # The query of the page after one: the same filters, sort and limit, at +cursor+.
    def next_query(query, cursor)
      query.reject { |name, _| %i[cursor offset page].include?(name.to_sym) }.merge(cursor: cursor)
    end
  end
end
