"""The opinions app's services: the layer between the database and the pure cores (packet, pdfs,
tokens, calendar, the plan reader). One module per topic, each fetching rows, calling a pure core
with plain data and saving what it returns; views, tasks and commands call them alike.

- `sources`: what from the records vault can go into a packet (the one place records are read)
- `summary`: the case as a packet and its letters describe it
- `packet_build`: what goes in a packet, and the build the task runs
- `packets`: asking for a packet (queued for the task), the latest one
- `links`: share links and the reviewer's visits
- `reports`: the written report, checked and kept
- `handoff`: the opinions compared, the one-page handoff for the local doctor
- `schedule`: the case's dates as calendar items
"""
