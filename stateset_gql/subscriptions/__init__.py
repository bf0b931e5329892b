"""Customer subscriptions: a plan billed every week, month or year until cancelled."""
