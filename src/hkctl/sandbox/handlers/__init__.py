"""One module per resource family; the sandbox collects every @route and @task in them at start-up."""
