# frozen_string_literal: true

require "pathname"
require "stringio"

module Stateset
  # Written by hand beside the generated objects and resources: neither /v1/batch nor
  # /v1/files is a route of the table the manifest is made from (a batch answers each
  # operation's own body; an upload is multipart/form-data, its contents bytes).

  # One operation's answer: its +status+ and its +body+ as plain data (a Hash with symbol
  # keys: the object, a list, or an error body +{error: {...}}+).
  class BatchResult < StatesetObject
    field :status
    field :body
  end

  # A batch's answer: one result per operation, in the order given.
  class Batch < StatesetObject
    field :object
    field :atomic
    field :results, of: BatchResult
  end

  # An uploaded file (kept 7 days): its size and sha256 as the server computed them.
  class File < StatesetObject
    field :id
    field :object
    field :purpose
    field :filename
    field :size
    field :sha256
    field :created
    field :expires_at
    field :livemode
  end

  # The multipart form of one upload, made afresh for each attempt: a path is opened for
  # it, an IO that can seek is rewound to where it started; one that cannot is sent once.
  class Upload
    attr_reader :filename, :purpose

    def initialize(file, purpose:, filename:)
      @purpose = purpose
      case file
      when String, Pathname
        @path = file.to_s
        @filename = filename || ::File.basename(@path)
      else
        unless file.respond_to?(:read)
          raise ArgumentError, "file must be a path or an IO opened for binary reading, not #{file.class}"
        end

        @io = file
        @start = position(file)
        named = file.respond_to?(:path) ? file.path : nil
        @filename = filename || (named ? ::File.basename(named.to_s) : "upload")
      end
    end

    # Whether a failed attempt may send it again, whole.
    def rewindable?
      @path || !@start.nil?
    end

    # Yields the form data of one attempt (Net::HTTP#set_form's), closing what it opened.
    def form
      io = @path ? ::File.open(@path, "rb") : @io
      io.seek(@start) if @io && @start
      yield [["purpose", purpose],
             ["file", io, { filename: filename, content_type: "application/octet-stream" }]]
    ensure
      io.close if @path && io
    end

    private

    def position(io)
      return nil unless io.respond_to?(:pos) && io.respond_to?(:seek)

      io.pos
    rescue IOError, SystemCallError # a pipe or socket: no position
      nil
    end
  end

  module Resources
    # +client.batch+: /v1/batch.
    class Batch < Resource
      # Runs up to 1,000 operations in one call: POST /v1/batch. Each operation is a Hash
      # +{method:, path:, body:, idempotency_key:}+. Not atomic, each result is that
      # request's own answer; atomic, the first failure raises its error class, its
      # +details.first[:param]+ naming +operations[i]+, and nothing is kept.
      # @return [Stateset::Batch]
      def create(operations:, atomic: false, idempotency_key: nil, request_options: nil)
        unless operations.is_a?(Array)
          raise ArgumentError, "operations must be an Array of {method:, path:, body:, idempotency_key:}"
        end

        @client.request_object(Stateset::Batch, "POST", "/v1/batch",
                               body: { operations: operations, atomic: atomic },
                               idempotency_key: idempotency_key, request_options: request_options)
      end
    end

    # +client.files+: /v1/files.
    class Files < Resource
      # Uploads a file of up to 100 MB, streamed: POST /v1/files. +file+ is a path or an
      # IO opened for binary reading (+StringIO.new(bytes)+ for bytes in memory).
      # @return [Stateset::File]
      def create(file:, purpose: "bulk_input", filename: nil, idempotency_key: nil, request_options: nil)
        upload = Upload.new(file, purpose: purpose, filename: filename)
        @client.request_upload(upload, idempotency_key: idempotency_key, request_options: request_options)
      end

      # One file: GET /v1/files/{id}.
      # @return [Stateset::File]
      def retrieve(id, request_options: nil)
        @client.request_object(Stateset::File, "GET", "/v1/files/#{Requests.segment(id)}",
                               request_options: request_options)
      end

      # The file's bytes: GET /v1/files/{id}/contents. Without a block or +to:+, all in
      # memory, a binary String. With a block, each chunk (a binary String) is yielded as
      # it arrives; with +to:+ (a path, created or truncated, or an IO open for binary
      # writing) each is written there: never whole in memory, the answer the number of
      # bytes received. A body cut mid-way raises APIConnectionError (what had arrived
      # was yielded or written, never again).
      # @return [String, Integer]
      def contents(id, to: nil, request_options: nil, &block)
        path = "/v1/files/#{Requests.segment(id)}/contents"
        return @client.request_bytes(path, request_options) if to.nil? && block.nil?
        raise ArgumentError, "files.contents takes a block or to:, not both" if to && block

        if to.is_a?(String) || to.is_a?(Pathname)
          return ::File.open(to.to_s, "wb") { |io| contents(id, to: io, request_options: request_options) }
        end
        raise ArgumentError, "to: must be a path or an IO open for writing, not #{to.class}" if to && !to.respond_to?(:write)

        received = 0
        @client.request_stream(path, request_options) do |chunk|
          received += chunk.bytesize
          block ? block.call(chunk) : to.write(chunk)
        end
        received
      end
    end
  end
end
