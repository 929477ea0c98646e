"""The multi-agency panel's rules, in pure Python: which children the panel should discuss
(`triggers`), and the places and adults that link them (`linking`). No Django here."""
