"""The runs of a benchmark plan as pytest tests, for pytest-xdist workers
(benchmarks/execute.py starts them; not part of `make test`: the name does
not match test_*.py). Each test is one QEMU run; its record travels back
to the controlling process in the test report's user_properties."""

import json

from benchmarks import execute


def pytest_generate_tests(metafunc):
    if "item" not in metafunc.fixturenames:
        return
    # the controller puts the plan into each worker's workerinput
    plan = json.loads(getattr(metafunc.config, "workerinput", {}).get("rvnest_plan", "[]"))
    metafunc.parametrize("item", plan,
                         ids=[f"{i['id']}-{i['config']}-{i['kind']}{i['index']}" for i in plan])


def test_run(item, record_property, request):
    wi = request.config.workerinput
    rec = execute.run_item(item, jobs=wi["workercount"], worker=wi["workerid"])
    record_property("rvnest_run", json.dumps({"id": item["id"], "record": rec}))
