# frozen_string_literal: true

require "json"
require "securerandom"
require "stringio"
require "test_helper"

# The conformance scenario's jobs steps against the live server (skipped without one): a
# bulk mutation from an uploaded JSONL of three lines, one failing when it runs, waited
# for and its results read as they arrive (lines 1 to 3, data or error); a bulk query of
# the paging account's 250 customers equal to listing them; the job listed, its cancel
# refused once it ended.
class JobsConformanceTest < Minitest::Test
  VARIABLES = %w[STATESET_BASE_URL STATESET_API_KEY STATESET_PAGING_API_KEY].freeze
  CREATE_CUSTOMER = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email } }"

  def setup
    skip "the conformance scenario runs against a live server: set #{VARIABLES.join(', ')}" unless ENV["STATESET_BASE_URL"]
  end

  def client(key = ENV.fetch("STATESET_API_KEY"))
    Stateset::Client.new(api_key: key, base_url: ENV.fetch("STATESET_BASE_URL"))
  end

  def test_a_bulk_mutation_answers_each_line_in_order
    sdk = client
    tag = SecureRandom.hex(8)
    emails = ["#{tag}-1@jobs.example", "not-an-email", "#{tag}-3@jobs.example"]
    jsonl = emails.map { |email| "#{JSON.generate(input: { email: email })}\n" }.join
    file = sdk.files.create(file: StringIO.new(jsonl), filename: "customers.jsonl")
    job = sdk.jobs.create(type: "bulk_mutation", mutation: CREATE_CUSTOMER, variables_file: file.id)
    assert_match(/\Ajob_/, job.id)
    assert_equal %w[job bulk_mutation queued continue], [job.object, job.type, job.status, job.error_policy]
    assert_match(/\Areq_/, job.last_response.request_id)

    ended = sdk.jobs.wait(job.id, timeout: 60, interval: 0.2)
    assert_equal ["succeeded", 3, 3, 2, 1], [ended.status, ended.total, ended.processed, ended.succeeded, ended.failed]
    refute_nil ended.results_expires_at

    found = []
    assert_equal 3, sdk.jobs.results(job.id) { |result| found << result }
    assert_equal [1, 2, 3], found.map { |r| r[:line] }
    assert_equal emails[0], found[0][:data][:createCustomer][:email]
    assert_equal %w[INVALID_FIELD_FORMAT input.email], found[1][:error].values_at(:code, :param)
    refute found[1].key?(:data)
    assert_equal emails[2], found[2][:data][:createCustomer][:email]
    assert_equal found.first, sdk.jobs.results(job.id).first # an Enumerator, stopped early

    assert_includes sdk.jobs.list(limit: 100).auto_paging_each.map(&:id), job.id
    assert_raises(Stateset::ConflictError) { sdk.jobs.cancel(job.id) }
    assert_raises(Stateset::NotFoundError) { sdk.jobs.results("job_missing").to_a }
  end

  # On the paging account: exactly 250 customers, written by no test.
  def test_a_bulk_query_answers_what_listing_answers
    sdk = client(ENV.fetch("STATESET_PAGING_API_KEY"))
    listed = sdk.customers.list(limit: 100).auto_paging_each.to_h { |c| [c.id, c.email] }
    job = sdk.jobs.create(type: "bulk_query", query: "{ customers { nodes { id email } } }")
    ended = sdk.jobs.wait(job.id, timeout: 60, interval: 0.2)
    assert_equal ["succeeded", 250], [ended.status, ended.processed]
    nodes = sdk.jobs.results(job.id).to_h { |node| [node[:id], node[:email]] }
    assert_equal 250, listed.size
    assert_equal listed, nodes
  end
end

# How results are parsed as they arrive, against a stub (offline).
class JobResultsTest < Minitest::Test
  include StubClient

  def test_results_are_parsed_a_line_at_a_time_a_split_line_too
    body = "{\"line\": 1, \"data\": {}}\n{\"line\": 2, \"error\": {\"code\": \"X\"}}\n\n{\"line\": 3}"
    StubServer.open([200, { "Content-Type" => "application/x-ndjson" }, body]) do |server|
      sdk, = stub_client(server)
      assert_equal [{ line: 1, data: {} }, { line: 2, error: { code: "X" } }, { line: 3 }],
                   sdk.jobs.results("job_1").to_a
    end
    lines = []
    parser = Stateset::JsonLines.new
    ["{\"line\": 1}\n{\"li", "ne\": 2}\n", "{\"line\"", ": 3}"].each { |chunk| parser.feed(chunk.b) { |l| lines << l } }
    parser.finish { |l| lines << l }
    assert_equal [1, 2, 3], lines.map { |l| l[:line] }
    StubServer.open([200, {}, "{\"line\": 1}\n<html>\n"]) do |server|
      sdk, = stub_client(server)
      error = assert_raises(Stateset::APIError) { sdk.jobs.results("job_1").to_a }
      assert_match(/line 2 of the answer is not JSON/, error.message)
    end
  end
end
