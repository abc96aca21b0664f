"""Privacy by source: what a source's privacy class changes along the pipeline.

- ``keys``: the archive and pseudonymisation keys, from the environment or an Airflow connection.
- ``crypto``: archived bytes of private sources encrypted at rest (AES-256-GCM, in chunks).
- ``pseudonymise``: column transforms applied by the loader before anything reaches the warehouse.
- ``policy``: the rules each class implies, in one place, and the sentence the run summary prints.
"""
