"""Content: YAML files under content/ → a validated, immutable `Catalogue`.

`yamlfile` reads a file (the data and the line of every key), `loader` validates every entry against
`models`, `references` and `freshness` check across entries and against content/translations.lock,
`catalogue` builds the snapshot, `service` swaps it on /reload, `check` is `run_bot.py check` and `schema`;
`problems` and `messages` are the errors staff read (in German).
"""
