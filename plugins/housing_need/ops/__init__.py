"""Running the project: the Airflow environment and DAG runs from the command line, the native
production-shaped stack, processes and throwaway servers."""
