# frozen_string_literal: true

require "digest"
require "securerandom"
require "stringio"
require "tmpdir"
require "uri"
require "test_helper"

# The conformance scenario's batch and files steps against the live server (skipped
# without one): a batch of three with one failing, an atomic batch refused whole naming
# its operation, and uploads (a few KB, and 5 MB streamed from a file) whose size,
# sha256 and contents match the bytes sent.
class BulkConformanceTest < Minitest::Test
  VARIABLES = %w[STATESET_BASE_URL STATESET_API_KEY].freeze
  SMALL = (0...120).map { |n| format("{\"email\": \"c%04d@files.example\"}\n", n) }.join.b
  LARGE_SIZE = 5 * 1024 * 1024

  def setup
    skip "the conformance scenario runs against a live server: set #{VARIABLES.join(', ')}" unless ENV["STATESET_BASE_URL"]
  end

  def client
    Stateset::Client.new(api_key: ENV.fetch("STATESET_API_KEY"), base_url: ENV.fetch("STATESET_BASE_URL"))
  end

  def email
    "#{SecureRandom.hex(8)}@batch.example"
  end

  def test_a_batch_answers_each_operation_in_order
    address = email
    batch = client.batch.create(operations: [
                                  { method: "POST", path: "/v1/customers", body: { email: address } },
                                  { method: "POST", path: "/v1/customers", body: { email: "not-an-email" } },
                                  { method: "GET", path: "/v1/customers?email_eq=#{URI.encode_www_form_component(address)}" }
                                ])
    assert_equal ["batch", false], [batch.object, batch.atomic]
    assert_equal [201, 422, 200], batch.results.map(&:status)
    created, refused, listed = batch.results.map(&:body)
    assert_match(/\Acus_/, created[:id])
    assert_equal address, created[:email]
    assert_equal "email", refused[:error][:param]
    assert_equal [created[:id]], listed[:data].map { |c| c[:id] }
    assert_match(/\Areq_/, batch.last_response.request_id)
  end

  def test_an_atomic_batch_with_a_failure_raises_naming_it_and_keeps_nothing
    address = email
    error = assert_raises(Stateset::InvalidRequestError) do
      client.batch.create(atomic: true, operations: [
                            { method: "POST", path: "/v1/customers", body: { email: address } },
                            { method: "POST", path: "/v1/customers", body: { email: "not-an-email" } }
                          ])
    end
    assert_equal 422, error.http_status
    assert_equal "operations[1]", error.details.first[:param]
    assert_match(/\Areq_/, error.request_id)
    assert_empty client.customers.list(email_eq: address).data
  end

  def test_uploads_match_their_bytes
    sdk = client
    small = sdk.files.create(file: StringIO.new(SMALL), filename: "customers.jsonl")
    assert_match(/\Afile_/, small.id)
    assert_equal ["bulk_input", "customers.jsonl", SMALL.bytesize, Digest::SHA256.hexdigest(SMALL)],
                 [small.purpose, small.filename, small.size, small.sha256]
    assert_match(/\Areq_/, small.last_response.request_id)
    assert_equal small.sha256, sdk.files.retrieve(small.id).sha256
    assert_equal SMALL, sdk.files.contents(small.id)

    large = SecureRandom.random_bytes(LARGE_SIZE)
    Dir.mktmpdir do |dir|
      path = File.join(dir, "large.bin")
      File.binwrite(path, large)
      by_path = sdk.files.create(file: path)
      assert_equal ["large.bin", LARGE_SIZE, Digest::SHA256.hexdigest(large)],
                   [by_path.filename, by_path.size, by_path.sha256]
      by_io = File.open(path, "rb") { |io| sdk.files.create(file: io, purpose: "bulk_input") }
      assert_equal [by_path.size, by_path.sha256], [by_io.size, by_io.sha256]
      assert_equal large, sdk.files.contents(by_io.id)
    end
    assert_raises(Stateset::NotFoundError) { sdk.files.retrieve("file_missing") }
  end

  def test_a_large_file_streams_back_chunk_by_chunk
    sdk = client
    large = SecureRandom.random_bytes(LARGE_SIZE)
    file = sdk.files.create(file: StringIO.new(large), filename: "large.bin")
    digest = Digest::SHA256.new
    chunks = []
    received = sdk.files.contents(file.id) do |chunk|
      digest << chunk
      chunks << chunk.bytesize
    end
    assert_equal [LARGE_SIZE, file.sha256], [received, digest.hexdigest]
    assert_operator chunks.size, :>, 10
    assert_operator chunks.max, :<, LARGE_SIZE / 10
    Dir.mktmpdir do |dir|
      copy = File.join(dir, "copy.bin")
      assert_equal LARGE_SIZE, sdk.files.contents(file.id, to: copy)
      assert_equal file.sha256, Digest::SHA256.file(copy).hexdigest
      File.open(copy, "wb") { |io| sdk.files.contents(file.id, to: io) }
      assert_equal file.sha256, Digest::SHA256.file(copy).hexdigest
    end
    first = nil
    sdk.files.contents(file.id) do |chunk| # stopping early leaves the client usable
      first = chunk
      break
    end
    assert_equal large.byteslice(0, first.bytesize), first
    assert_equal file.sha256, sdk.files.retrieve(file.id).sha256
    assert_raises(Stateset::NotFoundError) { sdk.files.contents("file_missing") { flunk } }
  end
end

# What an upload does when no answer came, against a stub (offline).
class UploadRetriesTest < Minitest::Test
  include StubClient

  FILE = { id: "file_1", object: "file", purpose: "bulk_input", filename: "a.jsonl", size: 4000,
           sha256: "x", created: "2026-01-01T00:00:00Z", expires_at: "2026-01-08T00:00:00Z",
           livemode: false }.freeze
  DATA = ("abc\n" * 1000).b

  def test_an_upload_that_can_be_read_again_is_retried_whole_with_one_key
    Dir.mktmpdir do |dir|
      path = File.join(dir, "a.jsonl")
      File.binwrite(path, DATA)
      [path, StringIO.new(DATA)].each do |file|
        StubServer.open(:hang_up, [201, {}, FILE]) do |server|
          sdk, = stub_client(server)
          assert_equal "file_1", sdk.files.create(file: file).id
          first, second = server.seen
          assert_equal 2, server.seen.size
          assert_equal first.headers["idempotency-key"], second.headers["idempotency-key"]
          assert_match(%r{\Amultipart/form-data; boundary=}, second.headers["content-type"])
          [first, second].each { |seen| assert_includes seen.body.b, DATA }
          assert_includes second.body, "name=\"purpose\"\r\n\r\nbulk_input"
        end
      end
    end
  end

  def test_a_streamed_download_is_retried_until_its_answer_comes_then_a_cut_raises
    StubServer.open(:hang_up, [503, {}, error_body("api_error", "INTERNAL")], :cut_body) do |server|
      sdk, waits = stub_client(server)
      received = +""
      error = assert_raises(Stateset::APIConnectionError) do
        sdk.files.contents("file_1") { |chunk| received << chunk }
      end
      assert_match(/was cut after 6 bytes/, error.message)
      assert_equal ["abcdef", 3, 2], [received, server.seen.size, waits.size] # nothing yielded twice
    end
    StubServer.open(:cut_body) do |server| # net/http alone would answer the 6 bytes
      sdk, = stub_client(server)
      assert_raises(Stateset::APIConnectionError) { sdk.files.contents("file_1") }
    end
  end

  def test_an_upload_from_a_pipe_is_sent_once
    reader, writer = IO.pipe
    writer.binmode
    writer.write(DATA)
    writer.close
    StubServer.open(:hang_up, [201, {}, FILE]) do |server|
      sdk, waits = stub_client(server)
      error = assert_raises(Stateset::APIConnectionError) { sdk.files.create(file: reader) }
      assert_match(/1 attempt/, error.message)
      assert_equal [1, []], [server.seen.size, waits]
    end
  ensure
    reader&.close
  end
end
