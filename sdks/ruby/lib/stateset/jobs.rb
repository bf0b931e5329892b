# frozen_string_literal: true

require "json"

module Stateset
  # Written by hand on the generated +client.jobs+ (create, list, retrieve and cancel come
  # from the manifest): a job's results are JSONL, streamed, no route of the table the
  # manifest is made from; they are parsed here a line at a time as they arrive, never
  # whole in memory.

  # Parses a body arriving in chunks into one Hash (symbol keys) a line, blank lines
  # skipped, a line split across chunks joined.
  class JsonLines
    def initialize
      @pending = +"".b
      @number = 0
    end

    # Adds +chunk+, yielding each line it completes.
    def feed(chunk, &block)
      @pending << chunk
      while (index = @pending.index("\n"))
        parse(@pending.slice!(0, index + 1), &block)
      end
    end

    # Yields the last line, if the body did not end with a line break.
    def finish(&block)
      parse(@pending, &block)
      @pending = +"".b
    end

    private

    def parse(line, &block)
      return if line.strip.empty?

      @number += 1
      value = JSON.parse(line.force_encoding(Encoding::UTF_8), symbolize_names: true)
      raise APIError, "line #{@number} of the answer is not an object" unless value.is_a?(Hash)

      block.call(value)
    rescue JSON::ParserError => e
      raise APIError, "line #{@number} of the answer is not JSON: #{e.message}"
    end
  end

  module Resources
    class Jobs
      # The statuses a job ends in.
      ENDED = %w[succeeded failed cancelled].freeze
      WAIT_INTERVAL = 0.5
      DEFAULT_WAIT = 600

      # The job's results as they arrive, one Hash (symbol keys) per line: GET
      # /v1/jobs/{id}/results. For a bulk mutation +{line:, data:}+ or +{line:, error:}+
      # for each input line in order; for a bulk query one node a line. With a block,
      # yields each and answers how many; without, an Enumerator that sends the request
      # when iterated. A running job's results are those recorded so far; 404 once they
      # expired (7 days after the job ended).
      # @return [Integer, Enumerator]
      def results(id, request_options: nil, &block)
        return enum_for(:results, id, request_options: request_options) unless block

        path = "/v1/jobs/#{Requests.segment(id)}/results"
        lines = JsonLines.new
        count = 0
        counted = lambda do |result|
          count += 1
          block.call(result)
        end
        @client.request_stream(path, request_options) { |chunk| lines.feed(chunk, &counted) }
        lines.finish(&counted)
        count
      end

      # The job once it ended (succeeded, failed or cancelled), retrieved every +interval+
      # seconds; Timeout::Error after +timeout+ seconds.
      # @return [Stateset::Job]
      def wait(id, timeout: DEFAULT_WAIT, interval: WAIT_INTERVAL, request_options: nil)
        deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
        loop do
          job = retrieve(id, request_options: request_options)
          return job if ENDED.include?(job.status)
          if Process.clock_gettime(Process::CLOCK_MONOTONIC) + interval > deadline
            raise Timeout::Error, "job #{job.id} is still #{job.status} after #{timeout} s " \
                                  "(#{job.processed} of #{job.total} lines processed)"
          end

          sleep(interval)
        end
      end
    end
  end
end
