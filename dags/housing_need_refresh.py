"""The refresh: shadow copy → load raw → raw gate → dbt build → marts gate → docs → publish
(→ copy of the marts to the BI PostgreSQL, when one is configured; → briefing pages).

Runs when any source archive changes (or on demand). One run at a time: it is the only warehouse
writer. If any step fails, `abandon` drops the shadow copy and the published warehouse is untouched.
"""

from datetime import timedelta

from airflow.sdk import Asset, AssetAny, TriggerRule, dag, task

from housing_need import orchestration as hn
from housing_need.sources import SOURCES


@dag(
    dag_id="housing_need_refresh",
    schedule=AssetAny(*(Asset(hn.archive_asset_name(name)) for name in SOURCES)),
    start_date=hn.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=hn.DEFAULT_ARGS,
    tags=["housing-need", "warehouse"],
)
def housing_need_refresh():
    @task
    def begin() -> str:
        return hn.begin()

    @task
    def load_raw(shadow: str) -> list:
        return hn.load_raw(shadow)

    @task
    def raw_gate(shadow: str, loads: list) -> dict:
        return hn.gate("raw", shadow)

    @task
    def dbt_build(shadow: str, raw: dict) -> dict:
        return hn.build(shadow)

    @task
    def marts_gate(shadow: str, built: dict) -> dict:
        return hn.gate("marts", shadow)

    @task
    def dbt_docs(shadow: str, marts: dict) -> str:
        return hn.docs(shadow)

    @task(outlets=[Asset(hn.WAREHOUSE_ASSET)])
    def publish(shadow: str, loads: list, raw: dict, built: dict, marts: dict, docs: str) -> dict:
        return hn.publish(shadow, {"loads": loads, "raw_gate": raw, "dbt": built, "marts_gate": marts})

    @task(retries=2, retry_delay=timedelta(minutes=1))
    def publish_postgres(published: dict) -> dict:
        return hn.publish_postgres()

    @task
    def briefing(published: dict) -> dict:
        return hn.briefing()

    @task(trigger_rule=TriggerRule.ONE_FAILED)
    def abandon() -> None:
        hn.abandon()

    shadow = begin()
    loads = load_raw(shadow)
    raw = raw_gate(shadow, loads)
    built = dbt_build(shadow, raw)
    marts = marts_gate(shadow, built)
    docs = dbt_docs(shadow, marts)
    published = publish(shadow, loads, raw, built, marts, docs)
    [shadow, loads, raw, built, marts, docs, published] >> abandon()
    # After the DuckDB publish, outside `abandon`'s watch: a BI-database failure fails the run
    # but cannot un-publish the warehouse, and the previous marts stay in PostgreSQL.
    publish_postgres(published)
    briefing(published)


housing_need_refresh()
