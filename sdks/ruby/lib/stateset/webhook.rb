# frozen_string_literal: true

require "json"
require "openssl"

module Stateset
  # Verifying a webhook delivery's StateSet-Signature header.
  #
  # The header is +t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">+ with one
  # +v1+ per secret in force (two while a rotated secret overlaps the new one); the key
  # is the whole +whsec_...+ secret.
  module Webhook
    DEFAULT_TOLERANCE = 300

    module_function

    # The Stateset::Event a delivery carries, once its signature verifies.
    #
    # +payload+ must be the raw request body exactly as it arrived, a String (in Rack:
    # +request.body.read+; in Rails: +request.raw_post+): a body parsed and serialised
    # again no longer matches its signature, and a Hash is refused. +secret+ may be an
    # Array of secrets (during a rotation). Raises SignatureVerificationError.
    def construct_event(payload, header, secret, tolerance: DEFAULT_TOLERANCE)
      Signature.verify_header(payload, header, secret, tolerance: tolerance)
      data = JSON.parse(payload.dup.force_encoding(Encoding::UTF_8), symbolize_names: true)
      return Event.construct(data) if data.is_a?(Hash)

      raise SignatureVerificationError.new("the payload is not a JSON object", sig_header: header)
    rescue JSON::ParserError
      raise SignatureVerificationError.new("the payload is not JSON", sig_header: header)
    end

    # The signature check on its own.
    module Signature
      module_function

      # Raises SignatureVerificationError unless one +v1+ of +header+ is the signature of
      # +payload+ under one of +secret+, at a timestamp within +tolerance+ seconds of now
      # (0 skips the time check).
      def verify_header(payload, header, secret, tolerance: DEFAULT_TOLERANCE)
        body = raw_body(payload)
        secrets = Array(secret)
        unless !secrets.empty? && secrets.all? { |s| s.is_a?(String) && !s.empty? }
          raise ArgumentError, "secret must be the endpoint's whsec_... secret (or an Array of them)"
        end

        timestamp, signatures = parse(header)
        if timestamp.nil? || signatures.empty?
          raise SignatureVerificationError.new(
            "the StateSet-Signature header has no t= and v1= parts", sig_header: header
          )
        end
        if tolerance.positive? && (Time.now.to_i - timestamp).abs > tolerance
          raise SignatureVerificationError.new(
            "the signature's timestamp is outside the #{tolerance} s tolerance", sig_header: header
          )
        end
        signed = "#{timestamp}.".b + body
        expected = secrets.map { |s| OpenSSL::HMAC.hexdigest("SHA256", s, signed) }
        # Every pair is compared, so the time taken says nothing of which matched.
        matched = signatures.product(expected).map { |given, wanted| secure_compare(given, wanted) }
        return true if matched.any?

        raise SignatureVerificationError.new(
          "no v1 signature matches the payload for this secret; is the payload the raw body, " \
          "unparsed, and the secret this endpoint's?",
          sig_header: header
        )
      end

      # The signature of +payload+ at +timestamp+: what a StateSet-Signature header
      # carries (for tests of a webhook receiver).
      def header_for(payload, secrets, timestamp: Time.now.to_i)
        signed = "#{timestamp}.".b + raw_body(payload)
        parts = Array(secrets).map { |s| "v1=#{OpenSSL::HMAC.hexdigest('SHA256', s, signed)}" }
        (["t=#{timestamp}"] + parts).join(",")
      end

      # Constant time for strings of one length (a hex digest always is).
      def secure_compare(given, wanted)
        return false unless given.bytesize == wanted.bytesize

        OpenSSL.fixed_length_secure_compare(given, wanted)
      end

      def raw_body(payload)
        return payload.b if payload.is_a?(String)

        raise TypeError,
              "payload must be the raw request body (a String), not #{payload.class}: pass the " \
              "body exactly as received, before any JSON parsing (e.g. request.body.read or " \
              "request.raw_post)"
      end

      def parse(header)
        return [nil, []] unless header.is_a?(String)

        timestamp = nil
        signatures = []
        header.split(",").each do |part|
          name, value = part.strip.split("=", 2)
          case name
          when "t"
            timestamp = Integer(value.to_s, 10, exception: false)
            return [nil, []] if timestamp.nil?
          when "v1"
            signatures << value if value && !value.empty?
          end
        end
        [timestamp, signatures]
      end
    end
  end
end
