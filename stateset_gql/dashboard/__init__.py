"""``/dashboard``: the developer's dashboard, server-rendered, with no build step.

Pages are Jinja2 templates (``templates/``); interactivity is htmx (``static/vendor/``,
pinned, served from the package like GraphiQL's builds) and a few lines of our own
(``static/dashboard.js``): boosted links and forms, an endpoint's deliveries polled.
htmx is the npm package's own minified build, unchanged, beside its licence (0BSD); to
refresh it, ``npm pack htmx.org@<version>`` and copy ``package/dist/htmx.min.js`` and
``package/LICENSE`` into ``static/vendor/htmx-<version>/``, then change ``HTMX``.

The rules (API.md section 15), each decided in one place:

- who: ``session.py`` — a signed cookie naming the key signed in (a secret or restricted
  key; a publishable one is refused), its principal read again on every page load (a
  revoked key's session ends). The cookie is scoped to ``/dashboard``, and ``/graphql``
  and ``/v1`` never read it: they take only ``Authorization``.
- what: ``console.py`` — every read and action is a GraphQL document run through the
  API's own pipeline as that key (scopes, rate limits, idempotency, events); each form
  carries an Idempotency-Key drawn when the form was rendered, so a double submit replays.
- whence: ``Dashboard._guard`` — a state-changing form needs the page's CSRF token and a
  same-origin ``Origin``; otherwise 403, nothing run.
"""

from stateset_gql.dashboard.pages import Dashboard

__all__ = ["Dashboard"]
