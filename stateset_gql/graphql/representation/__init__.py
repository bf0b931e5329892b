"""The API's one representation of an object, as events, webhooks, subscriptions and
REST all carry it: which fields it carries (``selection``), the form it is written in
(``form``) and the conversion between that form and GraphQL's (``convert``).

It depends only on graphql-core and ``stateset_gql.naming``, so the compiled engine,
the subscription topics and the REST facade all import it downward. The renderer that
executes the selection on a row is ``graphql.render``.
"""
