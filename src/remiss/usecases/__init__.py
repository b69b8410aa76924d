"""The orchestrated use cases: one function each, the one way every shell runs an action.

The web, the CLI and the flows all call these. Each takes the ``Runtime`` (the process's
``App`` with what comes after a commit and who is told) and the actor, owns its
transactions, and returns a typed result. What comes after the commit (delivering the
mail it queued, rendering the files it compiled) is the runtime's to do: inline by
default, in the background in a web process. When a Prefect API is configured, every
action is announced to Prefect as an event on the round (``flows/events.py``); an action
never waits for Prefect, and never fails because it is down.
"""
