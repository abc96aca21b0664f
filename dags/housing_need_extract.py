"""One extract DAG per source, on the publisher's cadence: fetch or pick up deliveries, archive them.

Extracts never write the warehouse. ``fetch_and_archive`` archives the good deliveries and emits
the source's Asset (which schedules the refresh); ``check_deliveries`` then fails the run if any
delivery was refused, so monitoring sees it while the good ones still go on.
"""

from airflow.sdk import DAG, Asset, task

from housing_need import orchestration as hn
from housing_need.sources import SOURCES

for _spec in SOURCES.values():
    with DAG(
        dag_id=f"extract_{_spec.name}",
        description=f"Archive new deliveries of {_spec.publisher}",
        schedule=_spec.cadence,
        start_date=hn.START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=hn.DEFAULT_ARGS,
        tags=["housing-need", "extract"],
    ):

        @task(
            task_id="fetch_and_archive",
            outlets=[Asset(hn.archive_asset_name(_spec.name))],
            **hn.NETWORK_RETRIES,
        )
        def fetch_and_archive(source: str = _spec.name) -> dict:
            return hn.extract(source)

        @task(task_id="check_deliveries")
        def check_deliveries(summary: dict) -> None:
            hn.check_deliveries(summary)

        check_deliveries(fetch_and_archive())
