"""Population health management: registers, multimorbidity, frailty, segments, cohorts and care gaps.

Every query is written with Ibis over the OMOP tables, so the same definitions run on DuckDB and Spark.
The definitions are written up in docs/methods/phm.md.
"""
