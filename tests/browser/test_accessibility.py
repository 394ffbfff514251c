"""axe-core (shipped inside axe-playwright-python, injected by Playwright: nothing from a CDN)
on the pages most people land on: no serious or critical violations, no console errors."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.session_demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = [
    ("home", "/"),
    ("resource list", "/resources/?subject=wuli"),
    ("recording", "/recordings/sfk-qixiu-fadongji/"),
    ("search", "/search/?q=同课异构"),
    ("results", "/results/"),
]
BLOCKING = {"serious", "critical"}


def describe(violations):
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def test_pages_pass_axe(journey):
    load_demo(demo_accounts=True)  # the journeys' demo: one loader run for all of them
    axe = Axe()
    found = {}
    for name, path in PAGES:
        with journey.step(f"axe on the {name} page"):
            response = journey.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            results = axe.run(journey.page)
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            if blocking:
                found[f"{name} ({path})"] = describe(blocking)
    journey.step_name = "axe results"
    assert not found, "serious or critical accessibility violations:\n" + "\n".join(
        f"{page}:\n{text}" for page, text in found.items()
    )
    journey.step_name = "console errors"
    journey.assert_no_console_errors()
