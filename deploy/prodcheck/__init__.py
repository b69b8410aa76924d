"""The production check: remiss's production topology run as processes, and a round driven
through it as people would (``make prod-check``).

A fresh app database and a Prefect database on a PostgreSQL server, ``prefect server
start`` on it, a process work pool with the deployments of ``deploy/prefect.yaml``, two
workers, two web processes and an SMTP server of the check's own. A round is opened by
the open-round deployment, answered through both web processes, reminded and closed by
the sweep deployment, closed, drafted, decided and sent through the web; then every
message is counted at the SMTP server, every flow run read back from the Prefect API,
and the app database dumped and restored into a fresh one.
"""
