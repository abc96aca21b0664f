"""The modelling layer: pure functions on pandas frames, no I/O (the caller reads the marts and writes
the results). ``projection`` projects people in receipt of asylum support per local authority with a
P10-P90 range; ``backtest`` re-runs it from past origins and scores it against what happened; ``move_on_backtest``
forecasts move-on homelessness duties per LA from past origins and scores them against H-CLIC; ``hindcast``
is the community population engine (LA x country of birth, census to census) and its 2011 -> 2021 scoring."""
