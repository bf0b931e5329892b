# frozen_string_literal: true

require "net/http"
require "uri"

module Stateset
  # Sends one attempt of a Request over net/http and answers [status, headers, body]
  # (headers with lowercase names), or raises what net/http raised. Keeps idle
  # keep-alive connections for reuse; a connection that failed is closed, never reused.
  # Safe to share between threads: each request takes a connection of its own.
  class Transport
    VERBS = {
      "GET" => Net::HTTP::Get,
      "POST" => Net::HTTP::Post,
      "PATCH" => Net::HTTP::Patch,
      "DELETE" => Net::HTTP::Delete
    }.freeze

    def initialize(base_uri)
      @base_uri = base_uri
      @idle = []
      @lock = Mutex.new
    end

    def call(request)
      http = checkout(request.timeout)
      outgoing = VERBS.fetch(request.method).new(request.target, request.headers)
      response = if request.body.is_a?(Upload)
                   upload(http, outgoing, request.body)
                 else
                   outgoing.body = request.body if request.body
                   http.request(outgoing)
                 end
      checkin(http)
      [response.code.to_i, headers_of(response), response.body.to_s]
    rescue StandardError
      http&.finish if http&.started?
      raise
    end

    # Closes every idle connection.
    def close
      idle = @lock.synchronize { @idle.slice!(0..) }
      idle.each { |http| http.finish if http.started? }
    end

    private

    # A multipart upload, chunked so that Net::HTTP streams it from its IO as it reads
    # (rather than into a temporary file first).
    def upload(http, outgoing, upload)
      upload.form do |form|
        outgoing.set_form(form, "multipart/form-data")
        outgoing["Transfer-Encoding"] = "chunked"
        http.request(outgoing)
      end
    end

    def checkout(timeout)
      http = @lock.synchronize { @idle.pop } || connection
      http.open_timeout = timeout
      http.read_timeout = timeout
      http.write_timeout = timeout
      http.start unless http.started?
      http
    end

    def checkin(http)
      @lock.synchronize { @idle.push(http) }
    end

    def connection
      http = Net::HTTP.new(@base_uri.host, @base_uri.port)
      http.use_ssl = @base_uri.scheme == "https"
      # The client decides on every retry, with the request's Idempotency-Key.
      http.max_retries = 0
      http
    end

    def headers_of(response)
      response.each_header.to_h
    end
  end
end
