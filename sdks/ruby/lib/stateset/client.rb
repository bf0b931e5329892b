# frozen_string_literal: true

require "json"
require "uri"

module Stateset
  # The StateSet API: +client.orders.create(...)+, +client.customers.list(limit: 100)+,
  # +client.graphql(query, variables)+.
  #
  #   client = Stateset::Client.new(api_key: "sk_test_...", base_url: "http://127.0.0.1:8000")
  #
  # +api_key+ and +base_url+ default to STATESET_API_KEY and STATESET_BASE_URL. Every
  # method takes +request_options: { api_key:, timeout:, max_retries: }+ to override the
  # client's configuration for one call; writes take +idempotency_key:+. +on_request+, if
  # given, is called with each attempt's Stateset::Request before it is sent (for logs,
  # metrics and tests).
  class Client
    include Resources::Accessors

    DEFAULT_BASE_URL = "http://127.0.0.1:8000"
    DEFAULT_TIMEOUT = 30
    DEFAULT_MAX_RETRIES = 2

    # The client's configuration; +base_path+ is the base URL's own path, if any.
    Config = Struct.new(:api_key, :base_url, :base_path, :timeout, :max_retries,
                        keyword_init: true)

    attr_reader :config

    def initialize(api_key: nil, base_url: nil, timeout: DEFAULT_TIMEOUT,
                   max_retries: DEFAULT_MAX_RETRIES, on_request: nil)
      api_key ||= ENV.fetch("STATESET_API_KEY", nil)
      base_url ||= ENV.fetch("STATESET_BASE_URL", DEFAULT_BASE_URL)
      raise ArgumentError, "api_key is required (a key such as sk_test_...)" if api_key.to_s.empty?
      raise ArgumentError, "max_retries must be 0 or more" if max_retries.negative?

      uri = URI(base_url)
      unless uri.is_a?(URI::HTTP)
        raise ArgumentError, "base_url must be http:// or https://, not #{base_url.inspect}"
      end

      @config = Config.new(api_key: api_key, base_url: base_url, base_path: uri.path.chomp("/"),
                           timeout: timeout, max_retries: max_retries).freeze
      @transport = Transport.new(uri)
      @on_request = on_request
    end

    # Runs one GraphQL operation: its +data+ (symbol keys), or its first error raised as
    # REST's errors are.
    def graphql(query, variables = nil, idempotency_key: nil, request_options: nil)
      payload = { query: query }
      payload[:variables] = variables unless variables.nil?
      request = Requests.build(config, "POST", "/graphql", body: payload,
                                                           idempotency_key: idempotency_key,
                                                           options: request_options)
      body, last = execute(request)
      Answers.graphql_data(body, last)
    end

    # What the generated resources call: one object of +klass+ from one request.
    def request_object(klass, method, path, body: nil, idempotency_key: nil, request_options: nil)
      request = Requests.build(config, method, path, body: body, idempotency_key: idempotency_key,
                                                     options: request_options)
      klass.construct(*execute(request))
    end

    # What the generated resources call: one page of +klass+ objects, which fetches
    # the pages after it with the same query.
    def request_page(klass, path, query, request_options = nil)
      request = Requests.build(config, "GET", path, query: query, options: request_options)
      body, last = execute(request)
      following = lambda do |cursor|
        request_page(klass, path, Requests.next_query(query, cursor), request_options)
      end
      Page.construct(body, klass, last, following)
    end

    # +client.batch+: many requests in one call (bulk.rb).
    # @return [Stateset::Resources::Batch]
    def batch
      @batch ||= Resources::Batch.new(self)
    end

    # +client.files+: uploads, streamed, and their bytes (bulk.rb).
    # @return [Stateset::Resources::Files]
    def files
      @files ||= Resources::Files.new(self)
    end

    # POST /v1/files with +upload+'s multipart form; one that cannot be sent again whole
    # gets no retry.
    def request_upload(upload, idempotency_key: nil, request_options: nil)
      request = Requests.build(config, "POST", "/v1/files", idempotency_key: idempotency_key,
                                                            options: request_options)
      request.headers.delete("Content-Type")
      request.body = upload
      request.max_retries = 0 unless upload.rewindable?
      Stateset::File.construct(*execute(request))
    end

    # One request answering bytes: the body, a binary String (read as request_stream
    # reads it, so that a body cut short is never taken for a whole one).
    def request_bytes(path, request_options = nil)
      body = +"".b
      request_stream(path, request_options) { |chunk| body << chunk }
      body
    end

    # One request whose 2xx answer's body is yielded chunk by chunk (binary Strings) as
    # it arrives, never whole in memory; answers its LastResponse, or raises the error
    # another answer carries. Retried as any GET until the answer comes; a body cut
    # mid-way raises APIConnectionError, never a retry yielding the first bytes again.
    def request_stream(path, request_options = nil, &sink)
      request = Requests.build(config, "GET", path, options: request_options)
      status, headers, raw = respond(request, sink)
      Answers.read(request, status, headers, raw) unless (200..299).cover?(status) # raises
      Answers.last_response(request, status, headers)
    end

    # Closes the client's idle connections.
    def close
      @transport.close
    end

    def inspect
      "#<#{self.class.name} base_url=#{config.base_url.inspect}>"
    end

    private

    # Sends +request+, retrying as Retries decides with the same Idempotency-Key;
    # answers [parsed body, LastResponse] or raises.
    def execute(request)
      Answers.read(request, *respond(request))
    end

    # Sends +request+ with its retries; answers the final [status, headers, raw body]
    # (a 2xx body passed to +sink+ instead, when given: see Transport#call).
    def respond(request, sink = nil)
      attempt = 0
      loop do
        @on_request&.call(request)
        begin
          status, headers, raw = @transport.call(request, sink)
        rescue Transport::BodyCut => e
          raise Answers.cut_error(request, e, config.base_url)
        rescue *Retries::FAILURES => e
          delay = Retries.after_failure(request, attempt, e)
          raise Answers.connection_error(request, e, config.base_url) if delay.nil?
        else
          delay = Retries.after_answer(request, attempt, status, headers, raw)
          return [status, headers, raw] if delay.nil?
        end
        pause(delay)
        attempt += 1
      end
    end

    def pause(seconds)
      sleep(seconds)
    end
  end
end
