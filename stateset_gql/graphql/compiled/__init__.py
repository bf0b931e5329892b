"""The compiled read engine: a query operation as one SQL statement per root field.

``mapping`` is what each type declares beside itself (its model, each field's column
or relation); ``compiler`` walks a checked document over the schema and those
declarations into a ``plan`` of SQL ``fragment``s (``sql``: the expressions that write
JSON text) that write the response's JSON in PostgreSQL; ``execute`` fills in what a
request brings, runs it and hands the text on unparsed. An operation that cannot be
compiled whole runs on the resolver path, which stays the reference: parity tests
compare the two byte for byte.
"""
