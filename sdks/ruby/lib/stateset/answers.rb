# frozen_string_literal: true

require "json"

module Stateset
  # Reading an answer: its JSON body and LastResponse, or the error it carries, raised.
  module Answers
    module_function

    def read(request, status, headers, raw)
      last = last_response(request, status, headers)
      body = parse(raw)
      unless (200..299).cover?(status)
        raise Errors.from_answer(body, http_status: status, http_headers: headers, raw: raw)
      end
      if body.nil?
        raise APIError.new("the answer is not JSON", http_status: status,
                                                     request_id: last.request_id, http_headers: headers)
      end
      [body, last]
    end

    def last_response(request, status, headers)
      LastResponse.new(request_id: headers["x-request-id"], http_status: status,
                       headers: headers, idempotency_key: request.idempotency_key)
    end

    def parse(raw)
      JSON.parse(raw, symbolize_names: true)
    rescue JSON::ParserError
      nil
    end

    # +data+ of a GraphQL answer, or its first error raised as REST's errors are.
    def graphql_data(body, last)
      unless body.is_a?(Hash)
        raise APIError.new("the GraphQL answer is not an object", request_id: last.request_id)
      end

      errors = body[:errors]
      if errors.is_a?(Array) && !errors.empty?
        error = Errors.graphql_error(errors.first)
        status = error[:status].is_a?(Integer) ? error[:status] : last.http_status
        raise Errors.from(error, http_status: status, http_headers: last.headers)
      end
      data = body[:data]
      return data if data.is_a?(Hash)

      raise APIError.new("the GraphQL answer has no data", request_id: last.request_id)
    end

    # A streamed answer's body stopped mid-way (a Transport::BodyCut).
    def cut_error(request, cut, base_url)
      APIConnectionError.new(
        "the answer to #{request.method} #{request.path} at #{base_url} was #{cut.message}"
      )
    end

    def connection_error(request, failure, base_url)
      kind = failure.is_a?(Timeout::Error) ? "timed out" : "failed"
      APIConnectionError.new(
        "the request to #{request.method} #{request.path} at #{base_url} #{kind} after " \
        "#{request.max_retries + 1} attempt(s): #{failure.class}: #{failure.message}"
      )
    end
  end
end
