# frozen_string_literal: true

require "test_helper"

# Webhook verification: the raw body only, 300 s tolerance, either secret of a rotation.
class WebhookTest < Minitest::Test
  SECRET = "whsec_#{'a' * 43}"
  OLD_SECRET = "whsec_#{'b' * 43}"
  BODY = JSON.generate(
    id: "evt_1", object: "event", type: "order.created", api_version: "v1",
    created: "2026-01-01T00:00:00Z", livemode: false, account: "acct_1", sequence: 7,
    data: { object: { id: "ord_1", object: "order" } }, request: { id: "req_1", idempotency_key: nil }
  )

  def header(secrets, timestamp: Time.now.to_i, body: BODY)
    signed = "#{timestamp}.#{body}"
    (["t=#{timestamp}"] + Array(secrets).map { |s| "v1=#{OpenSSL::HMAC.hexdigest('SHA256', s, signed)}" }).join(",")
  end

  def construct(body, signature, secret = SECRET, **options)
    Stateset::Webhook.construct_event(body, signature, secret, **options)
  end

  def test_a_signed_payload_returns_the_typed_event
    event = construct(BODY, header(SECRET))
    assert_instance_of Stateset::Event, event
    assert_equal ["evt_1", "order.created", 7], [event.id, event.type, event.sequence]
    assert_instance_of Stateset::EventRequest, event.request
    assert_equal "ord_1", event.data[:object][:id]
  end

  def test_the_sdks_own_header_matches_the_format
    assert_equal header([SECRET], timestamp: 1_700_000_000),
                 Stateset::Webhook::Signature.header_for(BODY, SECRET, timestamp: 1_700_000_000)
  end

  def test_during_a_rotation_either_secret_verifies_and_a_list_of_secrets_is_accepted
    rotating = header([OLD_SECRET, SECRET])
    assert_equal "evt_1", construct(BODY, rotating, SECRET).id
    assert_equal "evt_1", construct(BODY, rotating, OLD_SECRET).id
    assert_equal "evt_1", construct(BODY, header(OLD_SECRET), [SECRET, OLD_SECRET]).id
  end

  def test_a_changed_byte_fails
    changed = BODY.sub("evt_1", "evt_2")
    assert_equal BODY.bytesize, changed.bytesize
    assert_raises(Stateset::SignatureVerificationError) { construct(changed, header(SECRET)) }
  end

  def test_a_timestamp_outside_the_tolerance_fails
    error = assert_raises(Stateset::SignatureVerificationError) do
      construct(BODY, header(SECRET, timestamp: Time.now.to_i - 301))
    end
    assert_includes error.message, "tolerance"
    assert_equal "evt_1", construct(BODY, header(SECRET, timestamp: Time.now.to_i - 290)).id
    assert_equal "evt_1", construct(BODY, header(SECRET, timestamp: Time.now.to_i - 1000), tolerance: 0).id
    assert_raises(Stateset::SignatureVerificationError) do
      construct(BODY, header(SECRET, timestamp: Time.now.to_i - 100), tolerance: 60)
    end
  end

  def test_another_secret_or_a_malformed_header_fails
    assert_raises(Stateset::SignatureVerificationError) { construct(BODY, header(OLD_SECRET)) }
    ["garbage", "", "t=abc,v1=00", "v1=00", "t=#{Time.now.to_i}", nil].each do |bad|
      error = assert_raises(Stateset::SignatureVerificationError, bad.inspect) { construct(BODY, bad) }
      bad.nil? ? assert_nil(error.sig_header) : assert_equal(bad, error.sig_header)
    end
  end

  def test_a_parsed_body_is_refused_saying_to_pass_the_raw_body
    error = assert_raises(TypeError) { construct(JSON.parse(BODY), header(SECRET)) }
    assert_includes error.message, "raw request body"
  end

  def test_a_binary_string_body_verifies
    assert_equal "evt_1", construct(BODY.b, header(SECRET)).id
  end

  def test_signatures_are_compared_in_constant_time
    compare = Stateset::Webhook::Signature
    assert compare.secure_compare("ab" * 32, "ab" * 32)
    refute compare.secure_compare("ab" * 32, "ac" * 32)
    refute compare.secure_compare("ab", "ab" * 32)
    called = []
    OpenSSL.stub(:fixed_length_secure_compare, ->(a, b) { called << [a, b] && a == b }) do
      construct(BODY, header(SECRET))
    end
    assert_equal 1, called.size
  end
end
