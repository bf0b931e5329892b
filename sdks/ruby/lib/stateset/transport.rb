# frozen_string_literal: true

require "net/http"
require "uri"

module Stateset
  # Sends one attempt of a Request over net/http and answers [status, headers, body]
  # (headers with lowercase names), or raises what net/http raised. Keeps idle
  # keep-alive connections for reuse; a connection that failed, or whose answer was left
  # unread, is closed, never reused. Safe to share between threads: each request takes a
  # connection of its own.
  class Transport
    VERBS = {
      "GET" => Net::HTTP::Get,
      "POST" => Net::HTTP::Post,
      "PATCH" => Net::HTTP::Patch,
      "DELETE" => Net::HTTP::Delete
    }.freeze

    # A 2xx answer's body stopped mid-way (cut, or nothing within the read timeout) after
    # +received+ bytes had been passed on: not retried, the caller has them already.
    class BodyCut < StandardError
      attr_reader :received, :failure

      def initialize(received, failure)
        @received = received
        @failure = failure
        super("cut after #{received} bytes: #{failure.class}: #{failure.message}")
      end
    end

    def initialize(base_uri)
      @base_uri = base_uri
      @idle = []
      @lock = Mutex.new
    end

    # With +sink+, a 2xx answer's body is not kept: each chunk is passed to it as it
    # arrives (the read timeout bounding each wait), and nil answered for the body.
    def call(request, sink = nil)
      http = checkout(request.timeout)
      outgoing = VERBS.fetch(request.method).new(request.target, request.headers)
      answer = if request.body.is_a?(Upload)
                 answer_of(upload(http, outgoing, request.body))
               elsif sink
                 streamed(http, outgoing, sink)
               else
                 outgoing.body = request.body if request.body
                 answer_of(http.request(outgoing))
               end
      checkin(http)
      http = nil
      answer
    ensure
      # Still held: the attempt raised, or a caller's block left it mid-body (break).
      http.finish if http&.started?
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

    def answer_of(response)
      [response.code.to_i, headers_of(response), response.body.to_s]
    end

    # One attempt whose 2xx body goes to +sink+ chunk by chunk; any other answer's body
    # is read whole (it is small), to decide on a retry and on the error.
    def streamed(http, outgoing, sink)
      answer = nil
      http.request(outgoing) do |response|
        status = response.code.to_i
        if (200..299).cover?(status)
          pour(response, sink)
          answer = [status, headers_of(response), nil]
        else
          answer = [status, headers_of(response), response.read_body.to_s]
        end
      end
      answer
    end

    # net/http takes a body that ends before its Content-Length for a whole one: the
    # length is checked here (unless the body came compressed: the length is then the
    # compressed one's).
    def pour(response, sink)
      length = response["content-encoding"] ? nil : response["content-length"]
      received = 0
      in_sink = false
      response.read_body do |chunk|
        received += chunk.bytesize
        in_sink = true
        sink.call(chunk)
        in_sink = false
      end
      if length && received < length.to_i
        raise EOFError, "the connection closed #{length.to_i - received} bytes before the end"
      end
    rescue *Retries::FAILURES => e
      raise if in_sink # the caller's own failure, not the connection's

      raise BodyCut.new(received, e)
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
