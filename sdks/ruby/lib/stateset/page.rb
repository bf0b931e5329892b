# frozen_string_literal: true

module Stateset
  # One page of a list: +data+, +has_more+, +next_cursor+. +each+ walks this page;
  # +auto_paging_each+ walks every page from this one on, fetching each next page only
  # when the previous one is used up.
  class Page
    include Enumerable

    attr_reader :data, :has_more, :next_cursor, :url, :total_count, :last_response

    # +fetch+ answers the page at a cursor (the same list, filters and limit).
    def initialize(data:, has_more:, next_cursor:, url: nil, total_count: nil,
                   last_response: nil, fetch: nil)
      @data = data
      @has_more = has_more
      @next_cursor = next_cursor
      @url = url
      @total_count = total_count
      @last_response = last_response
      @fetch = fetch
    end

    # A page from a list answer (symbol keys), its items built as +klass+.
    def self.construct(body, klass, last_response, fetch)
      new(
        data: (body[:data] || []).map { |item| klass.construct(item) },
        has_more: body[:has_more] ? true : false,
        next_cursor: body[:next_cursor],
        url: body[:url],
        total_count: body[:total_count],
        last_response: last_response,
        fetch: fetch
      )
    end

    alias has_more? has_more

    def each(&block)
      return enum_for(:each) { data.size } unless block

      data.each(&block)
      self
    end

    def size
      data.size
    end
    alias length size

    def empty?
      data.empty?
    end

    # The page after this one, or nil on the last page.
    def next_page
      return nil unless has_more && next_cursor && @fetch

      @fetch.call(next_cursor)
    end

    # Every item from this page on, across pages, fetched lazily. Without a block, an
    # Enumerator (+.lazy+, +.first(n)+ and +.next+ fetch only what they need).
    def auto_paging_each(&block)
      return enum_for(:auto_paging_each) unless block

      page = self
      while page
        page.data.each(&block)
        page = page.next_page
      end
      self
    end

    def inspect
      "#<#{self.class.name} data=#{data.size} items has_more=#{has_more} next_cursor=#{next_cursor.inspect}>"
    end
  end
end
