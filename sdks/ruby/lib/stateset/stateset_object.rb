# frozen_string_literal: true

module Stateset
  # The answer an object came from.
  LastResponse = Struct.new(:request_id, :http_status, :headers, :idempotency_key,
                            keyword_init: true)

  # An object of the API: REST's fields as reader methods under REST's names
  # (+order.amount_paid+), nested objects as objects (+order.line_items.first.sku+), and
  # +last_response+ (its +request_id+) of the answer it came from. Each generated class
  # declares its fields with +field+.
  class StatesetObject
    class << self
      # The field names of this class, in REST's order.
      def fields
        @fields ||= []
      end

      # The object class a field holds (itself or as a list's items), by field name.
      def nested
        @nested ||= {}
      end

      # Declares a field and its reader; +of+ is the object class it holds, if any.
      def field(name, of: nil)
        fields << name
        nested[name] = of if of
        define_method(name) { @values[name] }
      end

      # An object from a parsed answer (symbol keys), nested objects built too.
      def construct(data, last_response = nil)
        new(data || {}, last_response)
      end
    end

    attr_reader :last_response

    def initialize(data, last_response = nil)
      @raw = data
      @last_response = last_response
      @values = self.class.fields.to_h { |name| [name, build(name, data[name])] }
    end

    # The object as the API sent it (fields this SDK version does not know included),
    # with symbol keys.
    def to_h
      @raw
    end

    # A field by name, known to this SDK version or not: +order[:amount_paid]+.
    def [](name)
      name = name.to_sym
      @values.key?(name) ? @values[name] : @raw[name]
    end

    def ==(other)
      other.instance_of?(self.class) && other.to_h == to_h
    end
    alias eql? ==

    def hash
      [self.class, @raw].hash
    end

    def inspect
      shown = self.class.fields.first(3).map { |name| "#{name}=#{@values[name].inspect}" }
      "#<#{self.class.name} #{shown.join(' ')}#{self.class.fields.size > 3 ? ' ...' : ''}>"
    end

    def to_json(*args)
      @raw.to_json(*args)
    end

    private

    def build(name, value)
      klass = self.class.nested[name]
      return value if klass.nil? || value.nil?

      value.is_a?(Array) ? value.map { |item| klass.construct(item) } : klass.construct(value)
    end
  end
end
