"""The compiled read engine: a query operation as one SQL statement per root field.

``mapping`` is what each type declares beside itself (its model, each field's column
or relation); ``compiler`` walks a checked document over the schema and those
declarations into SQL that writes the response's JSON in PostgreSQL; ``execute`` runs
it and hands the text on unparsed. An operation that cannot be compiled whole runs on
the resolver path, which stays the reference: parity tests compare the two byte for byte.
"""
