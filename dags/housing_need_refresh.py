"""The refresh, one task per step of the refresh's step registry (housing_need.refresh.steps):
begin → load_raw → raw_gate → dbt_build → account → marts_gate → dbt_docs → publish, then
publish_postgres and briefing from the published warehouse.

Runs when any source archive changes (or on demand; conf {"full": true} rebuilds everything). One
run at a time, and the steps hold the warehouse writer lease. If any guarded step fails, `abandon`
drops the shadow copy and the published warehouse is untouched.
"""

from airflow.sdk import Asset, AssetAny, TriggerRule, dag, task

from housing_need import orchestration as hn
from housing_need.refresh.steps import STEPS
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
    guarded, previous, published = [], None, None
    for step in STEPS:
        outlets = [Asset(hn.WAREHOUSE_ASSET)] if step.name == "publish" else []
        current = task(task_id=step.name, outlets=outlets, **step.task)(hn.run_step)(step.name)
        if step.guarded:
            if previous is not None:
                previous >> current
            guarded.append(current)
            previous = published = current
        else:
            # After the DuckDB publish, outside `abandon`'s watch: a BI-database failure fails the
            # run but cannot un-publish the warehouse.
            published >> current

    @task(trigger_rule=TriggerRule.ONE_FAILED)
    def abandon() -> None:
        hn.abandon()

    guarded >> abandon()


housing_need_refresh()
