# frozen_string_literal: true

require "json"
require "minitest/autorun"
require "socket"
require "stateset"

# A stub of the API on a real socket: answers each request with the next of +answers+
# ([status, headers, body]; :hang_up, which closes the connection with no answer; or
# :cut_body, a 200 promising 100 bytes that sends 6 and closes it; the last answer
# repeats) and records what it was sent.
class StubServer
  Seen = Struct.new(:method, :path, :query, :headers, :body, keyword_init: true) do
    def json
      JSON.parse(body, symbolize_names: true)
    end
  end

  def self.open(*answers)
    server = new(answers)
    yield server
  ensure
    server&.close
  end

  def initialize(answers)
    @answers = answers
    @seen = []
    @lock = Mutex.new
    @listener = TCPServer.new("127.0.0.1", 0)
    @threads = []
    @acceptor = Thread.new { accept }
  end

  def url
    "http://127.0.0.1:#{@listener.addr[1]}"
  end

  # The requests received so far.
  def seen
    @lock.synchronize { @seen.dup }
  end

  def close
    @listener.close
    @acceptor.kill
    @threads.each(&:kill)
  end

  private

  def accept
    loop do
      connection = @listener.accept
      @threads << Thread.new { serve(connection) }
    end
  rescue IOError, SystemCallError
    nil
  end

  def serve(connection)
    while (line = connection.gets)
      method, target = line.split(" ")
      headers = {}
      while (header = connection.gets) && header != "\r\n"
        name, value = header.split(":", 2)
        headers[name.downcase] = value.strip
      end
      body = headers["transfer-encoding"] == "chunked" ? chunked(connection) : connection.read(headers["content-length"].to_i)
      path, query = target.split("?", 2)
      answer, count = @lock.synchronize do
        @seen << Seen.new(method: method, path: path, query: URI.decode_www_form(query.to_s).to_h,
                          headers: headers, body: body)
        [@answers.size > 1 ? @answers.shift : @answers.first, @seen.size]
      end
      break if answer == :hang_up

      if answer == :cut_body
        connection.write("HTTP/1.1 200 Stub\r\nContent-Length: 100\r\nX-Request-Id: req_stub_#{count}\r\n\r\nabcdef")
        break
      end

      reply(connection, count, *answer)
    end
  rescue IOError, SystemCallError
    nil
  ensure
    connection.close
  end

  def chunked(connection)
    body = +""
    while (size = connection.gets.to_s.strip.to_i(16)).positive?
      body << connection.read(size)
      connection.gets
    end
    connection.gets
    body
  end

  def reply(connection, count, status, headers, body)
    raw = body.is_a?(String) ? body : JSON.generate(body)
    head = { "Content-Type" => "application/json", "Content-Length" => raw.bytesize,
             "X-Request-Id" => "req_stub_#{count}" }.merge(headers)
    connection.write("HTTP/1.1 #{status} Stub\r\n#{head.map { |k, v| "#{k}: #{v}\r\n" }.join}\r\n#{raw}")
  end
end

# Helpers for tests that use a client against a stub.
module StubClient
  # A client on +server+ that records its waits instead of sleeping them.
  def stub_client(server, **options)
    waits = []
    client = Stateset::Client.new(api_key: "sk_test_stub", base_url: server.url, **options)
    client.define_singleton_method(:pause) { |seconds| waits << seconds }
    [client, waits]
  end

  def error_body(type, code, message = "it went wrong", **extra)
    { error: { type: type, code: code, message: message, param: nil, details: [],
               request_id: "req_body" }.merge(extra) }
  end
end
