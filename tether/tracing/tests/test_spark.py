"""The Spark backend (``TETHER_LINKAGE_BACKEND=spark``) gives the same leads as DuckDB for the same settings.

pyspark is an optional extra (``pip install -e '.[spark]'``, about 500 MB, with a Java 17 runtime from Debian's
``openjdk-17-jre-headless``): without it, or without ``java`` on the path, this test is skipped and says why.
``bench/bench_tracing.py --backend spark`` runs the same comparison on larger data."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from tether.tracing import linkage, synthetic

needs_spark = [
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                       reason="pyspark is not installed (the optional 'spark' extra: pip install -e '.[spark]')"),
    pytest.mark.skipif(shutil.which("java") is None,
                       reason="no Java runtime on the path (Debian: apt-get install openjdk-17-jre-headless)"),
]


def _sets(register_size, rows, planted, seed):
    register = synthetic.people(register_size, seed=seed)
    extract, _ = synthetic.extract(register, rows=rows, planted=planted, seed=seed + 1)
    return ([synthetic.as_linkage(r, r["key"]) for r in register],
            [synthetic.as_linkage(r, r["record_id"]) for r in extract])


@needs_spark[0]
@needs_spark[1]
def test_spark_and_duckdb_give_the_same_leads_for_the_same_model():
    # a model trained on DuckDB (prior, u by sampling, m by EM, term frequencies), then run as it is on both
    left, right = _sets(400, 300, 40, seed=21)
    trained = linkage.link(left, right, seed=4, max_u_pairs=2e5, backend="duckdb")
    assert any(step.startswith("m by EM") for step in trained.trained)
    small_left, small_right = _sets(150, 80, 25, seed=31)
    duck = linkage.link(small_left, small_right, model=trained.model, backend="duckdb")
    spark = linkage.link(small_left, small_right, model=trained.model, backend="spark")

    def leads(result):
        return [(p.left_id, p.right_id, round(p.probability, 9)) for p in result.pairs
                if p.probability >= linkage.DEFAULT_THRESHOLD]

    assert len(leads(duck)) >= 20
    assert leads(spark) == leads(duck)
    assert [(p.left_id, p.right_id) for p in spark.pairs] == [(p.left_id, p.right_id) for p in duck.pairs]
    assert [p.explanation for p in spark.pairs] == [p.explanation for p in duck.pairs]
    # the model a Spark run returns is stored in DuckDB's dialect: it runs on either backend
    assert spark.model["sql_dialect"] == "duckdb"
    assert "jaro_winkler_similarity(" in str(spark.model["comparisons"])


def test_model_sql_converts_between_dialects():  # no Spark needed
    model = linkage.settings()
    spark = linkage.for_dialect(model, "spark")
    assert "`surname_l`" in str(spark) and "jaro_winkler(" in str(spark) and '"' not in str(spark["comparisons"])
    back = linkage.for_dialect({**spark, "sql_dialect": "spark"}, "duckdb")
    assert back["comparisons"] == model["comparisons"]
    assert back["blocking_rules_to_generate_predictions"] == model["blocking_rules_to_generate_predictions"]
